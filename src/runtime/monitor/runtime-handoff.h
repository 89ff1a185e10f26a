// runtime-handoff.c: the terminal and the pid a runtime started detached hands back.
#ifndef WHARF_RUNTIME_HANDOFF_H
#define WHARF_RUNTIME_HANDOFF_H

#include <sys/types.h>

/* Accepts the runtime's connection on a console socket and takes the terminal it sends (SCM_RIGHTS); -1 if none came. */
int receive_terminal(int listener);
/* The pid a runtime wrote with --pid-file; 0 if it is not there. */
pid_t read_pid_file(const char *path);

#endif
