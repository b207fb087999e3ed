import Foundation
import HTTP
import Images
import JSON
import Operations
import Server
import Store

/// A trust-store entry on the wire (LXD's `api.Certificate`), in Go's field order.
enum CertificateJSON {
    static func json(_ row: CertificateRow) -> JSONValue {
        .object([
            ("name", .string(row.name)),
            ("type", .string(row.type)),
            ("restricted", .bool(row.restricted)),
            ("projects", .strings(TrustStore.projects(row.projects))),
            ("certificate", .string(row.certificate)),
            ("fingerprint", .string(row.fingerprint)),
        ])
    }

    static func url(_ fingerprint: String) -> String { "/1.0/certificates/\(fingerprint)" }

    /// LXD's ETag of a certificate: the hash of its whole JSON.
    static func etag(_ row: CertificateRow) -> String { ETag.of(json(row)) }

    /// Projects as stored: a JSON array of names.
    static func projectsText(_ projects: [String]) -> String { JSONValue.strings(projects).encoded.string }
}

extension [UInt8] {
    fileprivate var string: String { String(decoding: self, as: UTF8.self) }
}
