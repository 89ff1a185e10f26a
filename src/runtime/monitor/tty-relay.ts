// The terminal relay for `-t` containers, run as `python3 -c`: runc makes the container's pty only when it has a terminal itself, and Node can neither open a pty nor receive one over SCM_RIGHTS.
// argv: HEIGHT WIDTH RUNTIME ARGS…; stdin/stdout relay to the pty it gives the runtime; lines "H W" on fd 3 resize it; exits with the runtime's status.
export const TTY_RELAY_SOURCE = `
import os, sys, select, fcntl, termios, struct, tty
def size(fd, h, w):
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack('HHHH', h, w, 0, 0))
master, slave = os.openpty()
tty.setraw(slave)
size(master, int(sys.argv[1]), int(sys.argv[2]))
pid = os.fork()
if pid == 0:
    os.setsid()
    fcntl.ioctl(slave, termios.TIOCSCTTY, 0)
    for fd in (0, 1, 2):
        os.dup2(slave, fd)
    os.closerange(3, 256)
    os.execvp(sys.argv[3], sys.argv[3:])
os.close(slave)
watched = [0, master, 3]
while True:
    ready = select.select(watched, [], [])[0]
    if master in ready:
        try:
            data = os.read(master, 65536)
        except OSError:
            data = b''
        if not data:
            break
        while data:
            data = data[os.write(1, data):]
    if 0 in ready:
        data = os.read(0, 65536)
        if data:
            os.write(master, data)
        else:
            watched.remove(0)
    if 3 in ready:
        data = os.read(3, 4096)
        if not data:
            watched.remove(3)
        for line in data.decode().split('\\n'):
            if line.strip():
                h, w = line.split()
                size(master, int(h), int(w))
status = os.waitpid(pid, 0)[1]
code = os.waitstatus_to_exitcode(status)
sys.exit(128 - code if code < 0 else code)
`;
