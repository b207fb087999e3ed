import HTTP

/// How a list is written: LXD's sync envelope around a JSON array, or NDJSON (one item per line,
/// no envelope), which a client can process line by line without holding the whole document.
enum CollectionFormat: Sendable, Equatable {
    case envelope
    case ndjson

    /// `Accept: application/x-ndjson` asks for NDJSON. As for `/1.0/events`, the first of the two
    /// media types listed in `Accept` wins (parameters and q-values are ignored); anything else, or no
    /// `Accept`, gets the envelope LXD clients expect.
    static func negotiate(_ headers: HTTPHeaders) -> CollectionFormat {
        for mediaType in headers.acceptedMediaTypes {
            switch mediaType {
            case "application/x-ndjson": return .ndjson
            case "application/json": return .envelope
            default: continue
            }
        }
        return .envelope
    }
}
