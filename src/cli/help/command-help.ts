// Docker's help texts for each command: the usage synopsis, the one-line summary and each flag's description.

export interface CommandHelp {
  /** What follows `wharf <command>` on the Usage line, e.g. '[OPTIONS] [REPOSITORY[:TAG]]'. */
  synopsis: string;
  /** Docker's one-line description of the command. */
  summary: string;
  /**
   * Per flag, by its long name exactly as in the command's flag spec: Docker's description (several lines joined
   * with \n only where Docker's text has separate lines of its own, not where it merely wraps), and Docker's word
   * for the value's type when it is neither `string` (a single string flag) nor `list` (a repeatable one):
   * e.g. 'filter', 'int', 'uint', 'bytes', 'duration', 'decimal', 'stringArray', 'ulimit', 'mount', 'port', 'signal'.
   */
  flags: Record<string, { text: string; type?: string }>;
}

/** The --format descriptions most listing and inspecting commands share. */
const FORMAT_TABLE =
  "Format output using a custom template:\n'table':            Print output in table format with column headers (default)\n'table TEMPLATE':   Print output in table format using the given Go template\n'json':             Print in JSON format\n'TEMPLATE':         Print output using the given Go template.\nRefer to https://docs.docker.com/go/formatting/ for more information about formatting output with templates";
const FORMAT_JSON =
  "Format output using a custom template:\n'json':             Print in JSON format\n'TEMPLATE':         Print output using the given Go template.\nRefer to https://docs.docker.com/go/formatting/ for more information about formatting output with templates";

/** The flags `run` shares with `create` (CREATE_FLAGS in src/cli/commands/container-flags.ts). */
const CREATE_FLAG_HELP: CommandHelp['flags'] = {
  attach: { text: 'Attach to STDIN, STDOUT or STDERR' },
  cpus: { text: 'Number of CPUs', type: 'decimal' },
  'detach-keys': { text: 'Override the key sequence for detaching a container' },
  entrypoint: { text: 'Overwrite the default ENTRYPOINT of the image' },
  env: { text: 'Set environment variables' },
  'env-file': { text: 'Read in a file of environment variables' },
  expose: { text: 'Expose a port or a range of ports' },
  'health-cmd': { text: 'Command to run to check health' },
  'health-interval': { text: 'Time between running the check (ms|s|m|h) (default 0s)', type: 'duration' },
  'health-retries': { text: 'Consecutive failures needed to report unhealthy', type: 'int' },
  'health-start-interval': { text: 'Time between running the check during the start period (ms|s|m|h) (default 0s)', type: 'duration' },
  'health-start-period': { text: 'Start period for the container to initialize before starting health-retries countdown (ms|s|m|h) (default 0s)', type: 'duration' },
  'health-timeout': { text: 'Maximum time to allow one check to run (ms|s|m|h) (default 0s)', type: 'duration' },
  hostname: { text: 'Container host name' },
  init: { text: 'Run an init inside the container that forwards signals and reaps processes' },
  interactive: { text: 'Keep STDIN open even if not attached' },
  label: { text: 'Set meta data on a container' },
  'log-opt': { text: 'Log driver options' },
  memory: { text: 'Memory limit', type: 'bytes' },
  mount: { text: 'Attach a filesystem mount to the container', type: 'mount' },
  name: { text: 'Assign a name to the container' },
  net: { text: 'Connect a container to a network', type: 'network' },
  network: { text: 'Connect a container to a network', type: 'network' },
  'no-healthcheck': { text: 'Disable any container-specified HEALTHCHECK' },
  'pids-limit': { text: 'Tune container pids limit (set -1 for unlimited)', type: 'int' },
  privileged: { text: 'Give extended privileges to this container' },
  publish: { text: "Publish a container's port(s) to the host" },
  'publish-all': { text: 'Publish all exposed ports to random ports' },
  'read-only': { text: "Mount the container's root filesystem as read only" },
  restart: { text: 'Restart policy to apply when a container exits (default "no")' },
  rm: { text: 'Automatically remove the container and its associated anonymous volumes when it exits' },
  runtime: { text: 'Runtime to use for this container' },
  'security-opt': { text: 'Security Options' },
  'sig-proxy': { text: 'Proxy received signals to the process (default true)' },
  'stop-signal': { text: 'Signal to stop the container' },
  'stop-timeout': { text: 'Timeout (in seconds) to stop a container', type: 'int' },
  tmpfs: { text: 'Mount a tmpfs directory' },
  tty: { text: 'Allocate a pseudo-TTY' },
  user: { text: 'Username or UID (format: <name|uid>[:<group|gid>])' },
  volume: { text: 'Bind mount a volume' },
  workdir: { text: 'Working directory inside the container' },
};
/** The flags `stop` and `restart` share (STOP_FLAGS in src/cli/commands/stop-flags.ts). */
const STOP_FLAG_HELP: CommandHelp['flags'] = {
  signal: { text: 'Signal to send to the container' },
  time: { text: 'Seconds to wait before killing the container (deprecated: use --timeout)', type: 'int' },
  timeout: { text: 'Seconds to wait before killing the container', type: 'int' },
};

/** By canonical command path, the keys of COMMAND_MODULES in src/cli/command-table.ts. */
export const COMMAND_HELP: Record<string, CommandHelp> = {
  'image ls': {
    synopsis: '[OPTIONS] [REPOSITORY[:TAG]]',
    summary: 'List images',
    flags: {
      all: { text: 'Show all images (default hides intermediate images)' },
      digests: { text: 'Show digests' },
      filter: { text: 'Filter output based on conditions provided', type: 'filter' },
      format: { text: FORMAT_TABLE },
      'no-trunc': { text: "Don't truncate output" },
      quiet: { text: 'Only show image IDs' },
    },
  },
  'image load': {
    synopsis: '[OPTIONS]',
    summary: 'Load an image from a tar archive or STDIN',
    flags: {
      input: { text: 'Read from tar archive file, instead of STDIN' },
      quiet: { text: 'Suppress the load output' },
    },
  },
  'image save': {
    synopsis: '[OPTIONS] IMAGE [IMAGE...]',
    summary: 'Save one or more images to a tar archive (streamed to STDOUT by default)',
    flags: {
      output: { text: 'Write to a file, instead of STDOUT' },
    },
  },
  'image tag': {
    synopsis: 'SOURCE_IMAGE[:TAG] TARGET_IMAGE[:TAG]',
    summary: 'Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE',
    flags: {},
  },
  'image rm': {
    synopsis: '[OPTIONS] IMAGE [IMAGE...]',
    summary: 'Remove one or more images',
    flags: {
      force: { text: 'Force removal of the image' },
      'no-prune': { text: 'Do not delete untagged parents' },
    },
  },
  'image inspect': {
    synopsis: '[OPTIONS] IMAGE [IMAGE...]',
    summary: 'Display detailed information on one or more images',
    flags: {
      format: { text: FORMAT_JSON },
      type: { text: 'Only inspect objects of the given type' },
    },
  },
  inspect: {
    synopsis: '[OPTIONS] NAME|ID [NAME|ID...]',
    summary: 'Return low-level information on wharf objects',
    flags: {
      format: { text: FORMAT_JSON },
      type: { text: 'Only inspect objects of the given type' },
    },
  },
  'image history': {
    synopsis: '[OPTIONS] IMAGE',
    summary: 'Show the history of an image',
    flags: {
      format: { text: FORMAT_TABLE },
      human: { text: 'Print sizes and dates in human readable format (default true)' },
      'no-trunc': { text: "Don't truncate output" },
      quiet: { text: 'Only show image IDs' },
    },
  },
  'image import': {
    synopsis: '[OPTIONS] file|URL|- [REPOSITORY[:TAG]]',
    summary: 'Import the contents from a tarball to create a filesystem image',
    flags: {
      change: { text: 'Apply Dockerfile instruction to the created image' },
      message: { text: 'Set commit message for imported image' },
      platform: { text: 'Set platform if server is multi-platform capable' },
    },
  },
  'image prune': {
    synopsis: '[OPTIONS]',
    summary: 'Remove unused images',
    flags: {
      all: { text: 'Remove all unused images, not just dangling ones' },
      filter: { text: 'Provide filter values (e.g. "until=<timestamp>")', type: 'filter' },
      force: { text: 'Do not prompt for confirmation' },
    },
  },
  'image build': {
    synopsis: '[OPTIONS] PATH | URL | -',
    summary: 'Build an image from a Dockerfile',
    flags: {
      'build-arg': { text: 'Set build-time variables' },
      'cache-from': { text: 'Images to consider as cache sources', type: 'strings' },
      file: { text: 'Name of the Dockerfile (Default is "PATH/Dockerfile")' },
      'force-rm': { text: 'Always remove intermediate containers' },
      iidfile: { text: 'Write the image ID to the file' },
      label: { text: 'Set metadata for an image' },
      network: { text: 'Set the networking mode for the RUN instructions during build (default "default")' },
      'no-cache': { text: 'Do not use cache when building the image' },
      output: { text: 'Output destination (format: "type=local,dest=path")', type: 'stringArray' },
      platform: { text: 'Set platform if server is multi-platform capable' },
      progress: { text: 'Set type of progress output ("auto", "quiet", "plain", "tty", "rawjson"). Use plain to show container output (default "auto")' },
      pull: { text: 'Always attempt to pull a newer version of the image' },
      quiet: { text: 'Suppress the build output and print image ID on success' },
      rm: { text: 'Remove intermediate containers after a successful build (default true)' },
      secret: { text: 'Secret to expose to the build (format: "id=mysecret[,src=/local/secret]")', type: 'stringArray' },
      tag: { text: 'Name and optionally a tag in the "name:tag" format' },
      target: { text: 'Set the target build stage to build.' },
    },
  },
  'builder prune': {
    synopsis: '',
    summary: 'Remove build cache',
    flags: {
      all: { text: 'Remove all unused build cache, not just dangling ones' },
      force: { text: 'Do not prompt for confirmation' },
    },
  },
  'image pull': {
    synopsis: '[OPTIONS] NAME[:TAG|@DIGEST]',
    summary: 'Download an image from a registry',
    flags: {
      'all-tags': { text: 'Download all tagged images in the repository' },
      'disable-content-trust': { text: 'Skip image verification (default true)' },
      platform: { text: 'Set platform if server is multi-platform capable' },
      progress: { text: 'Set type of progress output ("auto", "plain", "tty", "json") (default "auto")' },
      quiet: { text: 'Suppress verbose output' },
    },
  },
  'image push': {
    synopsis: '[OPTIONS] NAME[:TAG]',
    summary: 'Upload an image to a registry',
    flags: {
      'all-tags': { text: 'Push all tags of an image to the repository' },
      'disable-content-trust': { text: 'Skip image signing (default true)' },
      progress: { text: 'Set type of progress output ("auto", "plain", "tty", "json") (default "auto")' },
      quiet: { text: 'Suppress verbose output' },
    },
  },
  'system df': {
    synopsis: '[OPTIONS]',
    summary: 'Show wharf disk usage',
    flags: {
      format: { text: FORMAT_TABLE },
      verbose: { text: 'Show detailed information on space usage' },
    },
  },
  'system events': {
    synopsis: '[OPTIONS]',
    summary: 'Get real time events from the server',
    flags: {
      filter: { text: 'Filter output based on conditions provided', type: 'filter' },
      format: { text: FORMAT_JSON },
      since: { text: 'Show all events created since timestamp' },
      until: { text: 'Stream events until this timestamp' },
    },
  },
  'system check': {
    synopsis: '[OPTIONS]',
    summary: 'Verify every blob against its digest and every image record against the blobs',
    flags: {
      repair: { text: 'Repair the problems found: remove corrupt blobs, the images that need a corrupt or missing blob, unreferenced blobs and partial writes' },
    },
  },
  'system prune': {
    synopsis: '[OPTIONS]',
    summary: 'Remove unused data',
    flags: {
      all: { text: 'Remove all unused images not just dangling ones' },
      filter: { text: 'Provide filter values (e.g. "label=<key>=<value>")', type: 'filter' },
      force: { text: 'Do not prompt for confirmation' },
      volumes: { text: 'Prune anonymous volumes' },
    },
  },
  'system info': {
    synopsis: '[OPTIONS]',
    summary: 'Display system-wide information',
    flags: {},
  },
  serve: {
    synopsis: '[OPTIONS]',
    summary: "Serve Docker's Engine API on a unix socket, for the docker CLI and Docker's SDKs",
    flags: {
      host: { text: 'Unix socket to listen on (default "unix:///var/run/wharf.sock")' },
    },
  },
  'registry serve': {
    synopsis: '[OPTIONS]',
    summary: 'Run an OCI Distribution registry',
    flags: {
      'access-file': { text: 'Access control file (YAML): which accounts may pull, push and delete in which repositories (with --token-realm)' },
      'access-log': { text: 'Write an access log line per request to STDOUT (default true)' },
      addr: { text: 'Address to listen on (default ":5000")' },
      config: { text: "Configuration file in the distribution registry's config.yml format; flags override its settings" },
      delete: { text: 'Allow deleting manifests, tags and blobs (default true)' },
      htpasswd: { text: 'Require basic authentication against this htpasswd file' },
      'read-only': { text: 'Serve pulls only, rejecting pushes and deletes' },
      root: { text: 'Root directory of the registry storage (default "<data-root>/registry")' },
      'tls-cert': { text: 'Path to TLS certificate file (requires --tls-key)' },
      'tls-key': { text: 'Path to TLS key file (requires --tls-cert)' },
      'token-key': { text: 'Path to the HMAC key tokens are signed with (default: a random key for each run)' },
      'token-realm': { text: 'Require bearer tokens, issued by this registry at this URL' },
      'token-service': { text: 'Service name tokens are issued for (default "wharf-registry")' },
    },
  },
  'registry gc': {
    synopsis: '[OPTIONS]',
    summary: "Remove blobs and manifests no tag references from a registry's storage",
    flags: {
      config: { text: "Configuration file in the distribution registry's config.yml format, for the storage root" },
      'delete-untagged': { text: 'Delete manifests that are not currently referenced via tag' },
      'dry-run': { text: 'Do everything except remove the blobs' },
      grace: { text: 'Keep what was modified within this period, for pushes in flight (at least 2m) (default 10m0s)', type: 'duration' },
      root: { text: 'Root directory of the registry storage (default "<data-root>/registry")' },
    },
  },
  version: {
    synopsis: '[OPTIONS]',
    summary: 'Show the wharf version information',
    flags: {},
  },
  'volume create': {
    synopsis: '[OPTIONS] [VOLUME]',
    summary: 'Create a volume',
    flags: {
      driver: { text: 'Specify volume driver name (default "local")' },
      label: { text: 'Set metadata for a volume' },
      name: { text: 'Specify volume name' },
      opt: { text: 'Set driver specific options (default map[])', type: 'map' },
    },
  },
  'volume ls': {
    synopsis: '[OPTIONS]',
    summary: 'List volumes',
    flags: {
      filter: { text: 'Provide filter values (e.g. "dangling=true")', type: 'filter' },
      format: { text: FORMAT_TABLE },
      quiet: { text: 'Only display volume names' },
    },
  },
  'volume inspect': {
    synopsis: '[OPTIONS] VOLUME [VOLUME...]',
    summary: 'Display detailed information on one or more volumes',
    flags: {
      format: { text: FORMAT_JSON },
    },
  },
  'volume rm': {
    synopsis: '[OPTIONS] VOLUME [VOLUME...]',
    summary: 'Remove one or more volumes. You cannot remove a volume that is in use by a container.',
    flags: {
      force: { text: 'Force the removal of one or more volumes' },
    },
  },
  'volume prune': {
    synopsis: '[OPTIONS]',
    summary: 'Remove unused local volumes',
    flags: {
      all: { text: 'Remove all unused volumes, not just anonymous ones' },
      filter: { text: 'Provide filter values (e.g. "label=<label>")', type: 'filter' },
      force: { text: 'Do not prompt for confirmation' },
    },
  },
  'network create': {
    synopsis: '[OPTIONS] NETWORK',
    summary: 'Create a network',
    flags: {
      driver: { text: 'Driver to manage the Network (default "bridge")' },
      gateway: { text: 'IPv4 or IPv6 Gateway for the master subnet' },
      label: { text: 'Set metadata on a network' },
      subnet: { text: 'Subnet in CIDR format that represents a network segment' },
    },
  },
  'network rm': {
    synopsis: '[OPTIONS] NETWORK [NETWORK...]',
    summary: 'Remove one or more networks',
    flags: {
      force: { text: 'Do not error if the network does not exist' },
    },
  },
  'network connect': {
    synopsis: '[OPTIONS] NETWORK CONTAINER',
    summary: 'Connect a container to a network',
    flags: {
      alias: { text: 'Add network-scoped alias for the container' },
    },
  },
  'network disconnect': {
    synopsis: '[OPTIONS] NETWORK CONTAINER',
    summary: 'Disconnect a container from a network',
    flags: {
      force: { text: 'Force the container to disconnect from a network' },
    },
  },
  'network prune': {
    synopsis: '[OPTIONS]',
    summary: 'Remove all unused networks',
    flags: {
      force: { text: 'Do not prompt for confirmation' },
    },
  },
  'network ls': {
    synopsis: '[OPTIONS]',
    summary: 'List networks',
    flags: {
      filter: { text: 'Provide filter values (e.g. "driver=bridge")', type: 'filter' },
      format: { text: FORMAT_TABLE },
      'no-trunc': { text: 'Do not truncate the output' },
      quiet: { text: 'Only display network IDs' },
    },
  },
  'network inspect': {
    synopsis: '[OPTIONS] NETWORK [NETWORK...]',
    summary: 'Display detailed information on one or more networks',
    flags: {
      format: { text: FORMAT_JSON },
      verbose: { text: 'Verbose output for diagnostics' },
    },
  },
  'container port': {
    synopsis: 'CONTAINER [PRIVATE_PORT[/PROTO]]',
    summary: 'List port mappings or a specific mapping for the container',
    flags: {},
  },
  'container cp': {
    synopsis: '[OPTIONS] CONTAINER:SRC_PATH DEST_PATH|-\n\twharf cp [OPTIONS] SRC_PATH|- CONTAINER:DEST_PATH',
    summary: 'Copy files/folders between a container and the local filesystem',
    flags: {
      archive: { text: 'Archive mode (copy all uid/gid information)' },
      'follow-link': { text: 'Always follow symbol link in SRC_PATH' },
      quiet: { text: 'Suppress progress output during copy. Progress output is automatically suppressed if no terminal is attached' },
    },
  },
  login: {
    synopsis: '[OPTIONS] [SERVER]',
    summary: 'Authenticate to a registry.\nDefaults to Docker Hub if no server is specified.',
    flags: {
      password: { text: 'Password or Personal Access Token (PAT)' },
      'password-stdin': { text: 'Take the Password or Personal Access Token (PAT) from stdin' },
      username: { text: 'Username' },
    },
  },
  logout: {
    synopsis: '[SERVER]',
    summary: 'Log out from a registry.\nIf no server is specified, the default is defined by the daemon.',
    flags: {},
  },
  search: {
    synopsis: '[OPTIONS] TERM',
    summary: 'Search Docker Hub for images',
    flags: {
      filter: { text: 'Filter output based on conditions provided', type: 'filter' },
      format: { text: 'Pretty-print search using a Go template' },
      limit: { text: 'Max number of search results', type: 'int' },
      'no-trunc': { text: "Don't truncate output" },
    },
  },
  copy: {
    synopsis: '[OPTIONS] SOURCE-IMAGE DESTINATION-IMAGE',
    summary: 'Copy an image from one location to another',
    flags: {
      all: { text: 'Copy all images if SOURCE-IMAGE is a list' },
      platform: { text: 'Copy the image for the given platform if SOURCE-IMAGE is a list (default: the host platform). Formatted as "os[/arch[/variant]]" (e.g., "linux/amd64")' },
      quiet: { text: 'Suppress output information when copying images' },
    },
  },
  'container run': {
    synopsis: '[OPTIONS] IMAGE [COMMAND] [ARG...]',
    summary: 'Create and run a new container from an image',
    flags: { ...CREATE_FLAG_HELP, detach: { text: 'Run container in background and print container ID' } },
  },
  'container create': {
    synopsis: '[OPTIONS] IMAGE [COMMAND] [ARG...]',
    summary: 'Create a new container',
    flags: CREATE_FLAG_HELP,
  },
  'container start': {
    synopsis: '[OPTIONS] CONTAINER [CONTAINER...]',
    summary: 'Start one or more stopped containers',
    flags: {
      attach: { text: 'Attach STDOUT/STDERR and forward signals' },
      'detach-keys': { text: 'Override the key sequence for detaching a container' },
      interactive: { text: "Attach container's STDIN" },
    },
  },
  'container stop': {
    synopsis: '[OPTIONS] CONTAINER [CONTAINER...]',
    summary: 'Stop one or more running containers',
    flags: STOP_FLAG_HELP,
  },
  'container restart': {
    synopsis: '[OPTIONS] CONTAINER [CONTAINER...]',
    summary: 'Restart one or more containers',
    flags: STOP_FLAG_HELP,
  },
  'container kill': {
    synopsis: '[OPTIONS] CONTAINER [CONTAINER...]',
    summary: 'Kill one or more running containers',
    flags: {
      signal: { text: 'Signal to send to the container' },
    },
  },
  'container rm': {
    synopsis: '[OPTIONS] CONTAINER [CONTAINER...]',
    summary: 'Remove one or more containers',
    flags: {
      force: { text: 'Force the removal of a running container (uses SIGKILL)' },
      link: { text: 'Remove the specified link' },
      volumes: { text: 'Remove anonymous volumes associated with the container' },
    },
  },
  'container ls': {
    synopsis: '[OPTIONS]',
    summary: 'List containers',
    flags: {
      all: { text: 'Show all containers (default shows just running)' },
      filter: { text: 'Filter output based on conditions provided', type: 'filter' },
      format: { text: FORMAT_TABLE },
      last: { text: 'Show n last created containers (includes all states) (default -1)', type: 'int' },
      latest: { text: 'Show the latest created container (includes all states)' },
      'no-trunc': { text: "Don't truncate output" },
      quiet: { text: 'Only display container IDs' },
      size: { text: 'Display total file sizes' },
    },
  },
  'container exec': {
    synopsis: '[OPTIONS] CONTAINER COMMAND [ARG...]',
    summary: 'Execute a command in a running container',
    flags: {
      detach: { text: 'Detached mode: run command in the background' },
      'detach-keys': { text: 'Override the key sequence for detaching a container' },
      env: { text: 'Set environment variables' },
      'env-file': { text: 'Read in a file of environment variables' },
      interactive: { text: 'Keep STDIN open even if not attached' },
      privileged: { text: 'Give extended privileges to the command' },
      tty: { text: 'Allocate a pseudo-TTY' },
      user: { text: 'Username or UID (format: "<name|uid>[:<group|gid>]")' },
      workdir: { text: 'Working directory inside the container' },
    },
  },
  'container logs': {
    synopsis: '[OPTIONS] CONTAINER',
    summary: 'Fetch the logs of a container',
    flags: {
      details: { text: 'Show extra details provided to logs' },
      follow: { text: 'Follow log output' },
      since: { text: 'Show logs since timestamp (e.g. "2013-01-02T13:23:37Z") or relative (e.g. "42m" for 42 minutes)' },
      tail: { text: 'Number of lines to show from the end of the logs (default "all")' },
      timestamps: { text: 'Show timestamps' },
      until: { text: 'Show logs before a timestamp (e.g. "2013-01-02T13:23:37Z") or relative (e.g. "42m" for 42 minutes)' },
    },
  },
  'container pause': {
    synopsis: 'CONTAINER [CONTAINER...]',
    summary: 'Pause all processes within one or more containers',
    flags: {},
  },
  'container unpause': {
    synopsis: 'CONTAINER [CONTAINER...]',
    summary: 'Unpause all processes within one or more containers',
    flags: {},
  },
  'container update': {
    synopsis: '[OPTIONS] CONTAINER [CONTAINER...]',
    summary: 'Update configuration of one or more containers',
    flags: {
      cpus: { text: 'Number of CPUs', type: 'decimal' },
      memory: { text: 'Memory limit', type: 'bytes' },
      'pids-limit': { text: 'Tune container pids limit (set -1 for unlimited)', type: 'int' },
      restart: { text: 'Restart policy to apply when a container exits', type: 'string' },
    },
  },
  'container wait': {
    synopsis: 'CONTAINER [CONTAINER...]',
    summary: 'Block until one or more containers stop, then print their exit codes',
    flags: {},
  },
  'container rename': {
    synopsis: 'CONTAINER NEW_NAME',
    summary: 'Rename a container',
    flags: {},
  },
  'container diff': {
    synopsis: 'CONTAINER',
    summary: "Inspect changes to files or directories on a container's filesystem",
    flags: {},
  },
  'container export': {
    synopsis: '[OPTIONS] CONTAINER',
    summary: "Export a container's filesystem as a tar archive",
    flags: {
      output: { text: 'Write to a file, instead of STDOUT' },
    },
  },
  'container commit': {
    synopsis: '[OPTIONS] CONTAINER [REPOSITORY[:TAG]]',
    summary: "Create a new image from a container's changes",
    flags: {
      author: { text: 'Author (e.g., "John Hannibal Smith <hannibal@a-team.com>")' },
      change: { text: 'Apply Dockerfile instruction to the created image' },
      message: { text: 'Commit message' },
      pause: { text: 'Pause container during commit (default true)' },
    },
  },
  'container inspect': {
    synopsis: '[OPTIONS] CONTAINER [CONTAINER...]',
    summary: 'Display detailed information on one or more containers',
    flags: {
      format: { text: FORMAT_JSON },
      type: { text: 'Only inspect objects of the given type' },
    },
  },
  'container attach': {
    synopsis: '[OPTIONS] CONTAINER',
    summary: 'Attach local standard input, output, and error streams to a running container',
    flags: {
      'no-stdin': { text: 'Do not attach STDIN' },
      'sig-proxy': { text: 'Proxy all received signals to the process (default true)' },
    },
  },
  'container top': {
    synopsis: 'CONTAINER [ps OPTIONS]',
    summary: 'Display the running processes of a container',
    flags: {},
  },
  'container stats': {
    synopsis: '[OPTIONS] [CONTAINER...]',
    summary: 'Display a live stream of container(s) resource usage statistics',
    flags: {
      all: { text: 'Show all containers (default shows just running)' },
      format: { text: FORMAT_TABLE },
      'no-stream': { text: 'Disable streaming stats and only pull the first result' },
      'no-trunc': { text: 'Do not truncate output' },
    },
  },
  'container prune': {
    synopsis: '[OPTIONS]',
    summary: 'Remove all stopped containers',
    flags: {
      filter: { text: 'Provide filter values (e.g. "until=<timestamp>")', type: 'filter' },
      force: { text: 'Do not prompt for confirmation' },
    },
  },
};
