# An example for -var-file: a znver4 release on a c7a build instance.
# packer validate -var-file=packer/example.pkrvars.hcl packer/
release_tarball   = "dist/wear-0.1.0-abc1234-znver4.tar.gz"
data_volume_label = "wear-data"
aws_region        = "eu-central-1"
instance_type     = "c7a.large"
ami_regions       = ["eu-west-1"]
qemu_accelerator  = "kvm"
qemu_cpu          = "EPYC-Genoa"
