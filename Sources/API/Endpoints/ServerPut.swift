/// The writable part of the server object (LXD's `api.ServerPut`).
struct ServerPut: Decodable {
    var config: [String: String]?
}
