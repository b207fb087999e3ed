import Foundation
import Synchronization

/// Unix user names by uid, for the `requestor` of operations. Looking one up reads the user database
/// (`/etc/passwd`, or NSS), which cost more than the rest of a `POST` that creates an operation; names
/// are cached for a minute so a renamed user shows up soon.
enum UserNames {
    private static let cache = Mutex<[UInt32: (name: String?, until: ContinuousClock.Instant)]>([:])
    private static let lifetime = Duration.seconds(60)

    static func name(of uid: UInt32) -> String? {
        let now = ContinuousClock.now
        if let entry = cache.withLock({ $0[uid] }), entry.until > now { return entry.name }
        let name = lookUp(uid)
        cache.withLock { cache in
            // Uids in use on a host are few; a bound keeps a flood of peers from growing it.
            if cache.count >= 1024 { cache.removeAll() }
            cache[uid] = (name, now + lifetime)
        }
        return name
    }

    private static func lookUp(_ uid: UInt32) -> String? {
        var entry = passwd()
        var result: UnsafeMutablePointer<passwd>?
        var buffer = [CChar](repeating: 0, count: 1024)
        guard getpwuid_r(uid, &entry, &buffer, buffer.count, &result) == 0, result != nil, let name = entry.pw_name
        else { return nil }
        return String(cString: name)
    }
}
