import Foundation

#if canImport(Glibc)
    import Glibc
#endif

extension TLSIdentity {
    /// Reads the identity at `certificatePath` and `keyPath`; when either file is missing, makes one
    /// with `create` and writes both (LXD's `FindOrGenCert`). The key is written 0600 and the
    /// certificate 0644, each to a temporary file that is synced and renamed into place, so a crash
    /// leaves the old file or the new one, never half of one.
    public static func loadOrCreate(
        certificatePath: String, keyPath: String, create: () throws(TLSError) -> TLSIdentity
    ) throws(TLSError) -> TLSIdentity {
        let manager = FileManager.default
        if manager.fileExists(atPath: certificatePath) && manager.fileExists(atPath: keyPath) {
            return try TLSIdentity(
                certificatePEM: try readText(certificatePath), privateKeyPEM: try readText(keyPath))
        }
        let identity = try create()
        try writeAtomically(identity.privateKeyPEM, to: keyPath, mode: 0o600)
        try writeAtomically(identity.certificatePEM, to: certificatePath, mode: 0o644)
        return identity
    }

    private static func readText(_ path: String) throws(TLSError) -> String {
        do {
            return try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw TLSError("read \(path)", reasons: ["\(error.localizedDescription)"])
        }
    }

    private static func writeAtomically(_ text: String, to path: String, mode: mode_t) throws(TLSError) {
        let temporary = path + ".tmp"
        unlink(temporary)
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard fd >= 0 else { throw systemFailure("create \(temporary)") }
        // The umask must not widen or narrow what was asked for.
        _ = fchmod(fd, mode)
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + offset, bytes.count - offset) }
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else {
                let failure = systemFailure("write \(temporary)")
                close(fd)
                unlink(temporary)
                throw failure
            }
            offset += written
        }
        guard fsync(fd) == 0 else {
            let failure = systemFailure("sync \(temporary)")
            close(fd)
            unlink(temporary)
            throw failure
        }
        close(fd)
        guard rename(temporary, path) == 0 else {
            let failure = systemFailure("rename \(temporary) to \(path)")
            unlink(temporary)
            throw failure
        }
        let directory = (path as NSString).deletingLastPathComponent
        let directoryFD = open(directory.isEmpty ? "." : directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if directoryFD >= 0 {
            _ = fsync(directoryFD)
            close(directoryFD)
        }
    }

    private static func systemFailure(_ operation: String) -> TLSError {
        TLSError(operation, reasons: [String(cString: strerror(errno))])
    }
}
