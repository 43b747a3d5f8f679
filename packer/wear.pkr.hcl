# The wear machine image: Debian 12 with one wear release installed by
# packer/scripts/install.sh, for AMD EPYC hosts. Two sources: qemu (a qcow2
# for on-premises hosts, from Debian's generic cloud image) and amazon-ebs (an
# AMI from Debian's own, built on c7a/m7a). Every build is a new image
# version named wear-VERSION-COMMIT-CPU-BUILDTIME and is never changed after;
# a host rolls forward or back by booting another version (packer/README.md).
#
#   packer validate -var-file=packer/example.pkrvars.hcl packer/
#   packer build -only=qemu.wear -var release_tarball=dist/wear-0.1.0-abc1234-znver4.tar.gz packer/
#
# Run from the repository's root (paths are relative to it). Written for
# Debian's packer 1.6.6, whose qemu and amazon builders are built in; newer
# Packer needs the required_plugins block of packer/README.md.

locals {
  # wear-0.1.0-abc1234-znver4.tar.gz -> 0.1.0, abc1234, znver4 (the variable's
  # validation has checked the name's shape).
  tarball = basename(var.release_tarball)
  version = regex_replace(local.tarball, "^wear-([^-]+)-.*$", "$1")
  commit  = regex_replace(local.tarball, "^wear-[^-]+-([0-9a-f]+(-dirty)?|unknown)-.*$", "$1")
  cpu     = regex_replace(local.tarball, "^wear-[^-]+-(?:[0-9a-f]+(?:-dirty)?|unknown)-([a-z0-9-]+)[.]tar[.]gz$", "$1")
  built   = formatdate("YYYYMMDD'T'hhmmss'Z'", timestamp())
  name    = "wear-${local.version}-${local.commit}-${local.cpu}-${local.built}"
}

source "qemu" "wear" {
  iso_url          = var.debian_image_url
  iso_checksum     = var.debian_image_checksum
  disk_image       = true
  use_backing_file = false
  disk_size        = var.disk_size
  format           = "qcow2"
  accelerator      = var.qemu_accelerator
  cpus             = 2
  memory           = 2048
  headless         = true
  net_device       = "virtio-net"
  disk_interface   = "virtio"
  output_directory = "${var.qemu_output_directory}/${local.name}"
  vm_name          = "${local.name}.qcow2"
  # cloud-init's NoCloud seed (packer/http) creates the build-only user; the
  # shutdown command deletes it.
  http_directory = "packer/http"
  qemuargs = [
    ["-cpu", var.qemu_cpu],
    ["-smbios", "type=1,serial=ds=nocloud-net;s=http://{{ .HTTPIP }}:{{ .HTTPPort }}/"],
  ]
  ssh_username = "packer"
  ssh_password = "packer-build-only"
  ssh_timeout  = "15m"
  # The build user goes last, with its sudo rule (finish-image.sh cleaned the rest).
  shutdown_command = "sudo sh -c 'userdel --force --remove packer; rm -f /etc/sudoers.d/90-cloud-init-users; shutdown -P now'"
}

source "amazon-ebs" "wear" {
  region        = var.aws_region
  instance_type = var.instance_type
  ami_name      = local.name
  ami_regions   = var.ami_regions
  ami_users     = var.ami_users
  ssh_username  = "admin"
  source_ami_filter {
    filters = {
      name                = "debian-12-amd64-*"
      architecture        = "x86_64"
      virtualization-type = "hvm"
      root-device-type    = "ebs"
    }
    owners      = ["136693071363"] # Debian
    most_recent = true
  }
  launch_block_device_mappings {
    device_name           = "/dev/xvda"
    volume_size           = 8
    volume_type           = "gp3"
    iops                  = 3000
    throughput            = 125
    delete_on_termination = true
  }
  tags = {
    Name            = local.name
    wear_version    = local.version
    wear_commit     = local.commit
    wear_target_cpu = local.cpu
    base_ami        = "{{ .SourceAMI }}"
    base_ami_name   = "{{ .SourceAMIName }}"
  }
}

build {
  sources = ["source.qemu.wear", "source.amazon-ebs.wear"]

  provisioner "file" {
    source      = var.release_tarball
    destination = "/tmp/wear-release.tar.gz"
  }

  # Refuses a tarball the build machine's CPU cannot run, then installs.
  provisioner "shell" {
    script          = "packer/scripts/install.sh"
    execute_command = "chmod +x {{ .Path }}; sudo {{ .Path }} --data-label ${var.data_volume_label} /tmp/wear-release.tar.gz"
  }

  # The installed version is the tarball's, the units verify, nothing listens
  # but what the image is for; then the build user and machine identity go.
  provisioner "shell" {
    script          = "packer/scripts/finish-image.sh"
    execute_command = "chmod +x {{ .Path }}; sudo {{ .Path }} ${local.version} ${local.commit} ${local.cpu}"
  }

  post-processor "manifest" {
    output     = "dist/packer-manifest.json"
    strip_path = true
    custom_data = {
      image          = local.name
      wear_version   = local.version
      wear_commit    = local.commit
      wear_cpu       = local.cpu
      release        = basename(var.release_tarball)
      release_sha256 = substr(file("${var.release_tarball}.sha256"), 0, 64)
    }
  }
}
