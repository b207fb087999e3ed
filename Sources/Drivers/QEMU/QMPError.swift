/// Why a QMP command did not succeed.
public enum QMPError: Error, Equatable, CustomStringConvertible {
    /// The monitor could not be reached or went away (QEMU not running, or exiting).
    case socket(VMSocketError)
    /// QEMU answered with an error (`{"error": {"class": …, "desc": …}}`).
    case commandFailed(command: String, errorClass: String, description: String)
    /// QEMU said something that is not QMP.
    case malformed(String)

    public var description: String {
        switch self {
        case .socket(let error): "QMP: \(error)"
        case .commandFailed(let command, let errorClass, let description):
            "QMP \(command) failed: \(description) (\(errorClass))"
        case .malformed(let text): "QMP: unexpected message \(text)"
        }
    }
}
