#if canImport(Glibc)
    import Glibc
#endif

/// The host side of a pseudo-terminal: the master descriptor and the path of its slave, which the
/// child opens itself after `setsid` so that it becomes its controlling terminal (only then does the
/// kernel send it SIGWINCH when the size changes).
struct PseudoTerminal {
    // The generic Linux ioctl numbers (x86_64 and arm64 alike); Swift imports none of the _IO macros.
    private static let getNumber: UInt = 0x8004_5430  // TIOCGPTN
    private static let setLock: UInt = 0x4004_5431  // TIOCSPTLCK
    private static let setWindowSize: UInt = 0x5414  // TIOCSWINSZ

    let master: Int32
    let slavePath: String

    static func open(size: TerminalSize) throws(ExecError) -> PseudoTerminal {
        let master = Glibc.open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC)
        guard master >= 0 else { throw .system("open /dev/ptmx", errno) }
        var unlock: Int32 = 0
        var number: UInt32 = 0
        guard ioctl(master, setLock, &unlock) == 0, ioctl(master, getNumber, &number) == 0 else {
            let code = errno
            close(master)
            throw .system("unlock pseudo-terminal", code)
        }
        let terminal = PseudoTerminal(master: master, slavePath: "/dev/pts/\(number)")
        resize(master, to: size)
        return terminal
    }

    /// Sets the size; the kernel signals the terminal's foreground process group (SIGWINCH).
    static func resize(_ master: Int32, to size: TerminalSize) {
        var window = winsize(ws_row: size.rows, ws_col: size.columns, ws_xpixel: 0, ws_ypixel: 0)
        _ = ioctl(master, setWindowSize, &window)
    }
}
