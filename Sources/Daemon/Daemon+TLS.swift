import API
import Foundation
import Server

extension Daemon {
    /// The server's identity in the state directory (`server.crt`, `server.key` 0600), made on first
    /// start like LXD's: CN `root@HOST`, the host name, 127.0.0.1 and ::1 as alternative names, ten
    /// years. Later starts reuse it, so clients that pinned its fingerprint keep trusting the server.
    static func serverIdentity(stateDirectory: String, hostName: String) throws -> TLSIdentity {
        let certificatePath = stateDirectory + "/server.crt"
        let keyPath = stateDirectory + "/server.key"
        do {
            return try TLSIdentity.loadOrCreate(certificatePath: certificatePath, keyPath: keyPath) {
                () throws(TLSError) -> TLSIdentity in
                try TLSIdentity.generateSelfSigned(
                    commonName: "root@\(hostName)", dnsNames: hostName.isEmpty ? [] : [hostName],
                    ipAddresses: ["127.0.0.1", "::1"])
            }
        } catch {
            throw DaemonError("cannot load or create the server certificate \(certificatePath): \(error)")
        }
    }

    /// The HTTPS addresses from `--listen` (fatal when wrong: the operator typed them just now).
    static func commandLineAddresses(_ texts: [String]) throws -> [ListenAddress] {
        var addresses: [ListenAddress] = []
        for text in texts {
            guard let address = ListenAddress.parseTLS(text) else {
                throw DaemonError("--listen \(text): expected HOST:PORT with a numeric IPv4 or [IPv6] host")
            }
            if !addresses.contains(address) { addresses.append(address) }
        }
        return addresses
    }
}
