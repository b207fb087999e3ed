import Foundation

/// How an unprivileged container's ids map onto the host: container ids 0..<count are host ids
/// `hostUID`.. and `hostGID`.. . Root in the container is then an ordinary, unused host id, as in
/// LXD, which takes the same range from /etc/subuid and /etc/subgid.
public struct IDMap: Sendable, Equatable {
    /// 65536 ids: every uid and gid a distribution image uses, `nobody` (65534) included.
    public static let containerIDs: UInt32 = 65536

    /// The host uid of container uid 0.
    public var hostUID: UInt32
    /// The host gid of container gid 0.
    public var hostGID: UInt32
    public var count: UInt32

    public init(hostUID: UInt32, hostGID: UInt32, count: UInt32 = IDMap.containerIDs) {
        precondition(count >= 65536 && hostUID <= UInt32.max - count && hostGID <= UInt32.max - count, "bad id map")
        self.hostUID = hostUID
        self.hostGID = hostGID
        self.count = count
    }

    /// The first 65536 ids of `user`'s ranges in /etc/subuid and /etc/subgid (on this kind of host
    /// `root:100000:10000001`, so container root is host id 100000).
    public static func fromSubordinateIDs(
        user: String = "root", subuid: String = "/etc/subuid", subgid: String = "/etc/subgid"
    ) throws -> IDMap {
        let uid = try start(in: subuid, user: user)
        let gid = try start(in: subgid, user: user)
        return IDMap(hostUID: uid, hostGID: gid)
    }

    /// The `lxc.idmap` lines of the container's config.
    var lxcLines: [String] {
        ["lxc.idmap = u 0 \(hostUID) \(count)", "lxc.idmap = g 0 \(hostGID) \(count)"]
    }

    /// The host uid for a file owned by `uid` in an image. Ids beyond the map would be unmapped
    /// (host ids outside the range, maybe a real user's), so they become the container's nobody.
    func hostUID(_ uid: UInt32) -> UInt32 { hostUID + (uid < count ? uid : Self.nobody) }

    func hostGID(_ gid: UInt32) -> UInt32 { hostGID + (gid < count ? gid : Self.nobody) }

    /// The container uid that host uid `uid` is seen as: a host id outside the map is the
    /// container's nobody (the kernel shows it as the overflow id).
    func containerUID(_ uid: UInt32) -> UInt32 { uid >= hostUID && uid - hostUID < count ? uid - hostUID : Self.nobody }

    func containerGID(_ gid: UInt32) -> UInt32 { gid >= hostGID && gid - hostGID < count ? gid - hostGID : Self.nobody }

    static let nobody: UInt32 = 65534

    /// The start of the first range of at least 65536 ids that the file gives `user`, who may
    /// also be named by number (`0:100000:65536`).
    static func start(in file: String, user: String) throws -> UInt32 {
        guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
            throw InstanceDriverError.noSubordinateIDs(file: file, user: user)
        }
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            let fields = line.split(separator: ":", omittingEmptySubsequences: false)
            guard fields.count == 3, fields[0] == user || (user == "root" && fields[0] == "0"),
                let start = UInt32(fields[1]), let count = UInt32(fields[2]), count >= containerIDs,
                start <= UInt32.max - containerIDs
            else { continue }
            return start
        }
        throw InstanceDriverError.noSubordinateIDs(file: file, user: user)
    }
}
