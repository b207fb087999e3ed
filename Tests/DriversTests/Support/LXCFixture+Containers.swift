import Drivers
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// What the real-LXC suites use to make containers and look at what LXC and the driver did on
/// the host.
extension LXCFixture {
    static func uniqueName(_ label: String) -> String {
        "\(label)-\(UUID().uuidString.prefix(8).lowercased())"
    }

    /// Creates a container from the fixture's image, passes it to `body`, and removes it
    /// afterwards, also when `body` throws.
    func withContainer(
        _ label: String, privileged: Bool = false, config: [String: String] = [:], driver: LXCDriver? = nil,
        _ body: (LXCDriver, String) async throws -> Void
    ) async throws {
        let driver = driver ?? self.driver
        let name = Self.uniqueName(label)
        try await driver.create(
            InstanceSpec(name: name, privileged: privileged, config: config), rootfs: rootfs, log: { _ in })
        try await Self.removing([name], driver: driver) { try await body(driver, name) }
    }

    /// Runs `body`, then removes the named containers whatever state it left them in, also when
    /// it throws.
    static func removing<T>(_ names: [String], driver: LXCDriver, _ body: () async throws -> T) async throws -> T {
        do {
            let result = try await body()
            for name in names { await discard(name, driver: driver) }
            return result
        } catch {
            for name in names { await discard(name, driver: driver) }
            throw error
        }
    }

    /// The real and effective uid and gid of a host process, from /proc/PID/status.
    static func hostIDs(of pid: Int32) throws -> (uid: UInt32, gid: UInt32) {
        let status = try String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)
        func first(_ field: String) -> UInt32? {
            status.split(separator: "\n").first { $0.hasPrefix("\(field):") }?
                .split(whereSeparator: { $0 == "\t" || $0 == " " }).dropFirst().first.flatMap { UInt32($0) }
        }
        return (try #require(first("Uid")), try #require(first("Gid")))
    }

    /// The directory of `pid`'s cgroup in one v1 controller's hierarchy.
    static func cgroupDirectory(of pid: Int32, controller: String) throws -> String {
        let text = try String(contentsOfFile: "/proc/\(pid)/cgroup", encoding: .utf8)
        let line = try #require(
            text.split(separator: "\n").first {
                $0.split(separator: ":")[1].split(separator: ",").contains(
                    Substring(controller))
            })
        let mount = try #require(
            ["/sys/fs/cgroup/\(controller)", "/sys/fs/cgroup/cpu,cpuacct"].first {
                FileManager.default.fileExists(atPath: $0)
            })
        return mount + line.split(separator: ":", maxSplits: 2)[2]
    }

    /// A cgroup file of the container's init, trimmed.
    static func cgroupValue(of pid: Int32, _ file: String) throws -> String {
        let directory = try cgroupDirectory(of: pid, controller: String(file.prefix { $0 != "." }))
        return try String(contentsOfFile: "\(directory)/\(file)", encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Every cgroup directory, in any hierarchy, whose name ends with the container's name.
    static func cgroups(of name: String) -> [String] {
        let hierarchies = (try? FileManager.default.contentsOfDirectory(atPath: "/sys/fs/cgroup")) ?? []
        return hierarchies.flatMap { hierarchy in
            ((try? FileManager.default.contentsOfDirectory(atPath: "/sys/fs/cgroup/\(hierarchy)")) ?? [])
                .filter { $0.hasSuffix(".\(name)") }.map { "/sys/fs/cgroup/\(hierarchy)/\($0)" }
        }
    }

    /// The host's mount points (of this process's mount namespace).
    static func hostMountPoints() throws -> [String] {
        try String(contentsOfFile: "/proc/self/mounts", encoding: .utf8).split(separator: "\n")
            .map { String($0.split(separator: " ")[1]) }
    }

    static func owner(_ path: String) -> (uid: uid_t, gid: gid_t) {
        var info = stat()
        return lstat(path, &info) == 0 ? (info.st_uid, info.st_gid) : (.max, .max)
    }

    /// What an lxcpath holds besides the (empty) `.bases` and `.trash` directories the driver
    /// keeps there.
    static func leftovers(in lxcPath: String) throws -> [String] {
        var found: [String] = []
        for entry in try FileManager.default.contentsOfDirectory(atPath: lxcPath).sorted() {
            if entry == ".bases" || entry == ".trash" {
                let entries = try FileManager.default.contentsOfDirectory(atPath: "\(lxcPath)/\(entry)").sorted()
                // A base kept for an image that still exists (with its marker) is not left over.
                let kept = entry == ".bases" ? Set(entries.filter { keptForImage($0, in: lxcPath) }) : []
                found += entries.filter { !kept.contains($0) && !kept.contains("\($0.dropFirst(".image-".count))") }
                    .map { "\(entry)/\($0)" }
            } else {
                found.append(entry)
            }
        }
        return found
    }

    /// Whether `.bases/<key>` is kept because the image rootfs its marker names still exists.
    static func keptForImage(_ key: String, in lxcPath: String) -> Bool {
        guard !key.hasPrefix("."),
            let image = try? String(contentsOfFile: "\(lxcPath)/.bases/.image-\(key)", encoding: .utf8)
        else { return false }
        return FileManager.default.fileExists(atPath: image)
    }

    /// The bases in the lxcpath, by key.
    static func bases(in lxcPath: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: "\(lxcPath)/.bases")) ?? []).filter {
            !$0.hasPrefix(".")
        }.sorted()
    }

    static func elapsed<T>(_ body: () async throws -> T) async rethrows -> (T, Duration) {
        let started = ContinuousClock.now
        let result = try await body()
        return (result, started.duration(to: .now))
    }

    static func milliseconds(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        return "\(seconds * 1000 + attoseconds / 1_000_000_000_000_000) ms"
    }

    /// Waits up to two seconds for `path` to exist, as the container's init writes it.
    static func waitForFile(_ path: String) async throws -> Bool {
        for _ in 0..<200 {
            if FileManager.default.fileExists(atPath: path) { return true }
            try await Task.sleep(for: .milliseconds(10))
        }
        return false
    }
}
