/** `ocm-tui --help`: grouped like the README's command-line reference. */
export const HELP_TEXT = `
  Mirror OpenShift release payloads, operator catalogs, Helm chart images and additional images
  (oc-mirror v2 compatible).

  Usage
    $ ocm-tui                                                     wizard (on a terminal)
    $ ocm-tui -c isc.yaml file://DIR                              mirror to disk
    $ ocm-tui -c isc.yaml --from file://DIR docker://REG[/PATH]   disk to mirror
    $ ocm-tui -c isc.yaml --workspace file://DIR docker://REG     mirror to mirror
    $ ocm-tui delete -c disc.yaml --generate --workspace file://DIR docker://REG
    $ ocm-tui delete --delete-yaml-file FILE docker://REG
    $ ocm-tui list operators --catalog REF [--package P [--channel C]]
    $ ocm-tui list operators --catalogs --version 4.18
    $ ocm-tui list releases [--version X.Y | --channel C] [--channels] [--filter-by-archs A,B]
    $ ocm-tui version [--output json|yaml]                        version details (oc-mirror's format)
    $ ocm-tui demo                                                throwaway registries + a real run

  Workflow
    -c, --config FILE          ImageSetConfiguration (mirror) or DeleteImageSetConfiguration (delete --generate)
    --from file://DIR          read mirror_*.tar from DIR (disk to mirror)
    --workspace file://DIR     working directory (mirror to mirror, delete)
    --dry-run                  plan only: write working-dir/dry-run/mapping.txt, copy nothing
    --since yyyy-MM-dd         mirror to disk: archive everything not shipped before that date

  Registries
    --authfile FILE            credentials (default $REGISTRY_AUTH_FILE, then containers/docker auth files)
    --src-tls-verify=false     do not verify TLS of source registries (also allows plain http)
    --dest-tls-verify=false    do not verify TLS of the destination registry (also allows plain http)
    --cert-dir DIR             extra CA certificates (*.crt) to trust (also --src-cert-dir, --dest-cert-dir)
    --remove-signatures        do not copy sha256-<digest>.sig signature tags
    --max-nested-paths N       fold destination paths deeper than N components (0 = off)

  Signature policy
    --secure-policy            refuse source images the signature policy does not accept (not disk to mirror)
    --policy FILE              containers-policy.json (default ~/.config/containers/policy.json, then /etc/containers/)
    --registries.d DIR         lookaside signature stores (default ~/.config/containers/registries.d, then /etc/…)

  Performance and reliability
    --parallel-images N        images copied at once, 1..10 (default 4)
    --parallel-layers N        blobs per image at once, 1..10 (default 5)
    --retry-times N            retries after the first attempt (default 5)
    --retry-delay DURATION     constant delay between retries (default 0 = exponential 1s, 2s, 4s…)
    --image-timeout DURATION   per image, retries included (default 10m)
    --cache-dir DIR            cache base directory (default $OC_MIRROR_CACHE, then $HOME)

  Archives (mirror to disk)
    --strict-archive           fail when a single file exceeds archiveSize instead of writing it alone

  Delete
    --generate                 phase 1: write working-dir/delete/delete-images.yaml
    --delete-yaml-file FILE    phase 2: delete the listed manifests from the registry
    --delete-id ID             suffix for the generated file names
    --delete-signatures        also list sha256-<digest>.sig signature tags
    --force-cache-delete       also remove the images from the local cache

  List operators
    --catalog REF              catalog image (registry reference or oci://DIR): its packages
    --package NAME             with --catalog: the package's channels and their heads
    --channel NAME             with --package: the channel's bundle versions
    --catalogs --version X     which Red Hat catalogs exist for OpenShift X

  List releases (Cincinnati; UPDATE_URL_OVERRIDE honoured)
    (no flag)                  the X.Y versions tagged in quay.io/openshift-release-dev/ocp-release
    --version X.Y              the release versions of channel stable-X.Y
    --channel NAME             the release versions of that channel (e.g. fast-4.18)
    --channels --version X.Y   the channels that publish X.Y releases
    --filter-by-archs A,B      one listing per architecture: amd64 (default), arm64, s390x, ppc64le, multi

  Output
    --no-ui                    plain line output even on a terminal (automatic without a TTY or with CI set)
    --output json              one JSON event per line (see docs/events.md)
    --fps N                    dashboard frame rate (default 10)
    --log-level LEVEL          info, debug, trace or error (default info)
    --v2                       accepted and ignored (oc-mirror compatibility)
    -p, --port N               accepted for compatibility (ocm-tui runs no local registry)
    -v, --version, --help

  Environment: UPDATE_URL_OVERRIDE, OCP_SIGNATURE_URL, OCP_SIGNATURE_VERIFICATION_PK, VERSION_FILTER,
  OCM_TUI_GRAPH_DATA_URL, OCM_TUI_GRAPH_BASE_IMAGE, OC_MIRROR_CACHE, REGISTRY_AUTH_FILE, HTTP(S)_PROXY, NO_COLOR,
  CONTAINERS_REGISTRIES_CONF (registries.conf: source pulls go through its mirrors, blocked registries refused;
  default ~/.config/containers/registries.conf, then /etc/containers/registries.conf, plus registries.conf.d/).

  Exit codes: 0 ok; 1 error; bits 2 release, 4 operator, 8 additional, 16 helm images failed (OR-ed); 130 cancelled.
`;
