import Drivers
import Foundation
import HTTP
import Instances
import JSON
import Store

/// `/1.0/instances/<name>/files?path=` and LXD's legacy `/1.0/containers/…` path
/// (`lxd/instance_file.go`): what `lxc file push/pull/delete` and pylxd's `files` use, with the
/// `X-LXD-uid`, `-gid`, `-mode`, `-type` and `-write` headers. Owners are the instance's ids.
/// Paths resolve inside the instance's root filesystem only (`InstanceRootfs`).
///
/// A push's body is spooled to disk by the server as it arrives (see `BerthAPI.bodySinkProvider`),
/// so a pushed file may be far larger than what the server buffers in memory; a pull is streamed.
enum InstanceFilesEndpoints {
    /// Whether a request is a file push (`POST /1.0/{instances,containers}/<name>/files?path=…`),
    /// whose body the server spools to a file.
    static func spoolsBody(method: HTTPMethod, target: String) -> Bool {
        // Asked for every request head: most are not under /1.0/instances at all.
        guard method == .post, target.hasPrefix("/1.0/instances/") || target.hasPrefix("/1.0/containers/") else {
            return false
        }
        let path = target.split(separator: "?", maxSplits: 1).first ?? ""
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        // "", "1.0", "instances"|"containers", name, "files"
        return parts.count == 5 && parts[1] == "1.0" && (parts[2] == "instances" || parts[2] == "containers")
            && parts[4] == "files"
    }

    static func endpoints(_ context: APIContext, service: InstanceService) -> [Endpoint] {
        ["/1.0/instances", "/1.0/containers"].map { base in
            Endpoint(
                base + "/{name}/files",
                get: .deferred(.view) { request in try await get(request, context: context, service: service) },
                post: .deferred(.operate) { request in try await post(request, context: context, service: service) },
                delete: .deferred(.operate) { request in
                    let (row, path) = try target(request, service)
                    let rootfs = try await service.openRootfs(row)
                    try await OffPool.run { try rootfs.remove(path) }
                    await service.emitFileEvent(
                        "instance-file-deleted", row, context: [("path", path)],
                        requestor: OperationSubmitter.requestor(request.context))
                    return .empty
                })
        }
    }

    /// The instance and the `path` parameter, made absolute as LXD does.
    static func target(_ request: APIRequest, _ service: InstanceService) throws -> (InstanceRow, String) {
        let row = try service.instance(name: request.parameters["name"] ?? "", project: request.project)
        guard let path = request.queryValue("path"), !path.isEmpty else {
            throw APIError.badRequest("Missing path argument")
        }
        return (row, path.hasPrefix("/") ? path : "/" + path)
    }

    /// LXD's `instanceFileGet`: a file's bytes, a symlink's target, or a directory's names as a
    /// sync response, each with the entry's `X-LXD-*` headers.
    static func get(_ request: APIRequest, context: APIContext, service: InstanceService) async throws -> APIResponse {
        let (row, path) = try target(request, service)
        let rootfs = try await service.openRootfs(row)
        let info = try await OffPool.run { try rootfs.info(path) }
        let headers: HTTPHeaders = [
            "X-LXD-uid": String(info.uid), "X-LXD-gid": String(info.gid),
            "X-LXD-mode": String(format: "%04o", info.mode & 0o777), "X-LXD-type": info.kind.rawValue,
        ]
        let filename = path.split(separator: "/").last.map(String.init) ?? "/"
        let response: APIResponse
        switch info.kind {
        case .file:
            let reader = try await OffPool.run { try rootfs.openFile(path) }
            response = try await FileDownload.response(reader, filename: filename, headers: headers)
        case .symlink:
            let target = try await OffPool.run { try rootfs.symlinkTarget(path) }
            var all = headers
            all.add(name: "Content-Type", value: "application/octet-stream")
            all.add(name: "Content-Disposition", value: "inline;filename=\(filename)")
            response = .raw(HTTPResponse(status: .ok, headers: all, body: Array(target.utf8)))
        case .directory:
            let names = try await OffPool.run { try rootfs.list(path) }
            var envelope = Envelope.sync(.array(names.map(JSONValue.string)))
            for (name, value) in headers { envelope.headers.add(name: name, value: value) }
            response = .raw(envelope)
        case .special:
            throw APIError.badRequest("Bad file type: \(path) is not a regular file, directory or symlink")
        }
        await service.emitFileEvent(
            "instance-file-retrieved", row, context: [("path", path)],
            requestor: OperationSubmitter.requestor(request.context))
        return response
    }

    /// LXD's `instanceFilePost`: creates or replaces a file, makes a directory or a symlink.
    static func post(_ request: APIRequest, context: APIContext, service: InstanceService) async throws -> APIResponse {
        let (row, path) = try target(request, service)
        let headers = request.http.headers
        let attributes = try attributes(headers)
        let type = headers["X-LXD-type"].flatMap { $0.isEmpty ? nil : $0 } ?? "file"
        let write = headers["X-LXD-write"].flatMap { $0.isEmpty ? nil : $0 } ?? "overwrite"
        guard write == "overwrite" || write == "append" else {
            throw APIError.badRequest("Bad file write mode: \(write)")
        }
        guard ["file", "directory", "symlink"].contains(type) else {
            throw APIError.badRequest("Bad file type: \(type)")
        }
        var received = request.http.body
        let spooled = request.http.spooledBody
        if type == "symlink", let spooled {
            // A symlink's target is the body: small, so read back from the spool.
            guard spooled.byteCount <= 4096, let data = FileManager.default.contents(atPath: spooled.path) else {
                throw APIError.badRequest("Symlink target too long")
            }
            received = Array(data)
        }
        let body = received
        let rootfs = try await service.openRootfs(row)
        try await OffPool.run {
            switch type {
            case "directory": try rootfs.makeDirectory(path, attributes: attributes)
            case "symlink":
                try rootfs.makeSymlink(path, target: String(decoding: body, as: UTF8.self), attributes: attributes)
            default:
                if let spooled {
                    try rootfs.write(
                        contentsOf: spooled.path, to: path, append: write == "append", attributes: attributes)
                } else {
                    try rootfs.write(body, to: path, append: write == "append", attributes: attributes)
                }
            }
        }
        await service.emitFileEvent(
            "instance-file-pushed", row, context: [("path", path)],
            requestor: OperationSubmitter.requestor(request.context))
        return .empty
    }

    /// LXD's `ParseLXDFileHeaders`: ids in decimal, the mode in octal (pylxd may send the whole
    /// `st_mode`, `0100644`, of which the permission bits count); `-1` or nothing means unset.
    static func attributes(_ headers: HTTPHeaders) throws -> InstanceFileAttributes {
        func id(_ name: String) throws -> UInt32? {
            guard let text = headers[name], !text.isEmpty, text != "-1" else { return nil }
            guard let value = UInt32(text) else { throw APIError.badRequest("Invalid \(name) header: \(text)") }
            return value
        }
        var mode: UInt32?
        if let text = headers["X-LXD-mode"], !text.isEmpty, text != "-1" {
            let digits = text.hasPrefix("0o") ? String(text.dropFirst(2)) : text
            guard let value = UInt32(digits, radix: 8) else {
                throw APIError.badRequest("Invalid X-LXD-mode header: \(text)")
            }
            mode = value & 0o7777
        }
        return InstanceFileAttributes(uid: try id("X-LXD-uid"), gid: try id("X-LXD-gid"), mode: mode)
    }
}
