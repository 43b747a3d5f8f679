# Inputs of wear.pkr.hcl. Set them with -var, or a file given with
# -var-file (example.pkrvars.hcl shows every one).

variable "release_tarball" {
  type        = string
  description = "The release tarball scripts/release.sh made (dist/wear-VERSION-COMMIT-CPU.tar.gz): the image's version, commit and CPU target come from its name."
  validation {
    condition     = regex_replace(basename(var.release_tarball), "^wear-[0-9]+[.][0-9]+[.][0-9]+[^-]*-([0-9a-f]+(-dirty)?|unknown)-[a-z0-9-]+[.]tar[.]gz$", "") == ""
    error_message = "The release_tarball must be named wear-VERSION-COMMIT-CPU.tar.gz, as scripts/release.sh names it."
  }
}

variable "data_volume_label" {
  type        = string
  default     = "wear-data"
  description = "Filesystem label of the per-host data volume (state and keys); not part of the image."
}

# --- qemu (on-premises) ---

variable "debian_image_url" {
  type        = string
  default     = "https://cloud.debian.org/images/cloud/bookworm/latest/debian-12-genericcloud-amd64.qcow2"
  description = "The Debian 12 generic cloud image (qcow2) the qemu image starts from."
}

variable "debian_image_checksum" {
  type        = string
  default     = "file:https://cloud.debian.org/images/cloud/bookworm/latest/SHA512SUMS"
  description = "Its checksum: Debian's SHA512SUMS next to it (or sha512:HEX for a pinned image)."
}

variable "qemu_accelerator" {
  type        = string
  default     = "kvm"
  description = "kvm on a Linux build host with /dev/kvm; tcg without (slow)."
}

variable "qemu_cpu" {
  type        = string
  default     = "host"
  description = "The build VM's CPU model: host passes the build machine's CPU through, so install.sh checks the tarball's CPU target against real flags (EPYC-Genoa for znver4 on another host)."
}

variable "qemu_output_directory" {
  type        = string
  default     = "dist/images"
  description = "Where the qcow2 images go: one folder per image version."
}

variable "disk_size" {
  type        = string
  default     = "8G"
  description = "Size of the qemu image's disk (the data volume is separate)."
}

# --- amazon-ebs (AWS) ---

variable "aws_region" {
  type        = string
  default     = "eu-central-1"
  description = "Region the AMI is built and registered in."
}

variable "instance_type" {
  type        = string
  default     = "c7a.large"
  description = "The build instance: AMD EPYC Genoa (znver4) c7a or m7a, so a znver4 tarball is checked on its own CPU family; c6a/m6a for znver3."
}

variable "ami_regions" {
  type        = list(string)
  default     = []
  description = "Further regions the AMI is copied to."
}

variable "ami_users" {
  type        = list(string)
  default     = []
  description = "AWS account ids allowed to launch the AMI."
}
