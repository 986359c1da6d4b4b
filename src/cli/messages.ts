// User-facing text shared by several commands.
export const EXIT_CODES_HELP = `Exit codes:
  0    success
  1    a scenario or check failed, or errored (e.g. its cluster did not come up)
  2    usage error (bad flag, argument or input file)
  3    environment error (docker down, kind/kubectl/binaries missing or too old), or a run that
       tested nothing: every selected check skipped because this machine could not run it
  4    a child process failed (kind, git, docker, a Kubernetes component)
  5    conflict with existing state (name taken, cluster not created by kindlab)
  130  interrupted (Ctrl-C); what the command created was cleaned up`;
