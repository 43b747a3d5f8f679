#!/usr/bin/env bash
# Lists and selects wear image versions from the manifest Packer's manifest
# post-processor writes (dist/packer-manifest.json: one entry per build, with
# wear.pkr.hcl's custom_data), for rolling a host forward or back.
#
#   images.sh [--manifest FILE] [--source qemu|amazon-ebs] [--cpu CPU] list
#   images.sh [--manifest FILE] [--source S] [--cpu CPU] [--region R] [--images-dir DIR] select WHICH
#
#   list          every image, oldest first: build time (UTC), image name,
#                 source, artifact (AMI ids by region, or the qcow2 file)
#   select WHICH  prints the one artifact to boot: an AMI id (--region picks
#                 one of a copied AMI's regions; required when it has several)
#                 or the qcow2's path under --images-dir (default dist/images).
#                 WHICH is latest; previous (the newest before the latest: a
#                 rollback); an image name; a version (0.1.0: its newest image);
#                 or a commit (abc1234, or a prefix of 4+ digits: its newest).
#   --source, --cpu   only images of that Packer source or CPU target; select
#                 refuses a choice that spans both sources (say --source)
#
# Exit: 0, 1 no such image, 64 usage, 66 no manifest, 69 no jq.
set -euo pipefail

manifest=dist/packer-manifest.json source="" cpu="" region="" images_dir=dist/images
while (($#)); do
    case "$1" in
        --manifest) manifest="$2"; shift 2 ;;
        --source) source="$2"; shift 2 ;;
        --cpu) cpu="$2"; shift 2 ;;
        --region) region="$2"; shift 2 ;;
        --images-dir) images_dir="$2"; shift 2 ;;
        -h|--help) sed -n '2,21p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        -*) echo "images: unknown option '$1' (try --help)" >&2; exit 64 ;;
        *) break ;;
    esac
done
command=${1:-}
usage() { echo "usage: images.sh [options] list | select latest|previous|IMAGE|VERSION|COMMIT (try --help)" >&2; exit 64; }
case "$command" in
    list) (($# == 1)) || usage ;;
    select) (($# == 2)) || usage; which=$2 ;;
    *) usage ;;
esac
command -v jq > /dev/null || { echo "images: needs jq (apt-get install jq)" >&2; exit 69; }
[[ -r "$manifest" ]] || { echo "images: no Packer manifest at $manifest (packer build writes it; --manifest FILE)" >&2; exit 66; }
jq -e '.builds | type == "array"' "$manifest" > /dev/null 2>&1 || { echo "images: $manifest is not a Packer manifest" >&2; exit 66; }

# One line per image, oldest first: time image version commit cpu source artifact.
images() {
    jq -r --arg source "$source" --arg cpu "$cpu" '
        [.builds[]
         | select(.custom_data.image != null)
         | select($source == "" or .builder_type == $source)
         | select($cpu == "" or .custom_data.wear_cpu == $cpu)
         | [(.build_time | tostring), .custom_data.image, .custom_data.wear_version, .custom_data.wear_commit,
            .custom_data.wear_cpu, .builder_type,
            (if .builder_type == "qemu" then ([.files[]?.name | select(endswith(".qcow2"))] | first // "")
             else .artifact_id end)]]
        | sort_by(.[0] | tonumber) | .[] | @tsv' "$manifest"
}
mapfile -t rows < <(images)

if [[ "$command" == list ]]; then
    ((${#rows[@]})) || { echo "images: no images in $manifest${source:+ from $source}${cpu:+ for $cpu}" >&2; exit 1; }
    for row in "${rows[@]}"; do
        IFS=$'\t' read -r time image _ _ _ src artifact <<< "$row"
        printf '%s  %s  %s  %s\n' "$(date -u -d "@$time" +%Y-%m-%dT%H:%M:%SZ)" "$image" "$src" "$artifact"
    done
    exit 0
fi

# select: the newest row that matches, or for previous the one before the latest.
chosen=""
if [[ "$which" == latest || "$which" == previous ]]; then
    count=${#rows[@]}
    index=$((count - 1))
    [[ "$which" == previous ]] && index=$((count - 2))
    ((index >= 0)) && chosen=${rows[$index]}
else
    for row in "${rows[@]}"; do
        IFS=$'\t' read -r _ image version commit _ _ _ <<< "$row"
        if [[ "$which" == "$image" || "$which" == "$version" ]] \
            || { [[ "$which" =~ ^[0-9a-f]{4,}$ ]] && [[ "$commit" == "$which"* ]]; }; then
            chosen=$row
        fi
    done
fi
if [[ -z "$chosen" ]]; then
    echo "images: no image '$which' in $manifest${source:+ from $source}${cpu:+ for $cpu} (images.sh list shows them)" >&2
    exit 1
fi
IFS=$'\t' read -r _ image _ _ _ src artifact <<< "$chosen"
if [[ -z "$source" ]]; then
    sources=$(printf '%s\n' "${rows[@]}" | cut -f6 | sort -u | wc -l)
    ((sources == 1)) || { echo "images: $manifest holds qemu and amazon-ebs images: say --source" >&2; exit 64; }
fi
echo "images: $image ($src)" >&2
if [[ "$src" == qemu ]]; then
    [[ -n "$artifact" ]] || { echo "images: $image has no qcow2 file in the manifest" >&2; exit 1; }
    echo "$images_dir/$image/$artifact"
    exit 0
fi
# amazon-ebs: "region:ami-id,region:ami-id"
IFS=, read -r -a amis <<< "$artifact"
if [[ -n "$region" ]]; then
    for ami in "${amis[@]}"; do [[ "${ami%%:*}" == "$region" ]] && { echo "${ami#*:}"; exit 0; }; done
    echo "images: $image has no AMI in $region (it has ${artifact})" >&2
    exit 1
fi
((${#amis[@]} == 1)) || { echo "images: $image has AMIs in several regions ($artifact): say --region" >&2; exit 64; }
echo "${amis[0]#*:}"
