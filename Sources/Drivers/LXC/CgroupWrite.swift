/// A value to write to one cgroup file, e.g. `268435456` to `…/memory.limit_in_bytes`.
struct CgroupWrite: Sendable, Equatable {
    var path: String
    var value: String
}
