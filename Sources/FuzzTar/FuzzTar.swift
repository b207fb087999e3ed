#if DEBUG || BERTH_FUZZ
    @testable import Images

    /// libFuzzer entry point over `TarHeaderReader` (see scripts/fuzz.sh): the input is a tar stream.
    /// Besides "never trap", it checks what the reader promises GNU tar: no member it lets through has
    /// an absolute path, a `..`, or a path below an earlier symbolic link (tracked here on its own,
    /// from the members returned); hard-link targets likewise stay inside; devices are under
    /// `rootfs/dev`; and feeding the same bytes in pieces gives what feeding them whole gives (the
    /// same refusal, or the same members).
    @_cdecl("LLVMFuzzerTestOneInput")
    public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
        let input = UnsafeRawBufferPointer(start: data, count: size)
        let whole = read(input, pieces: [])
        let split = read(input, pieces: splitPoints(input))
        // A refused chunk is never passed on, so the members read before a refusal do not count.
        if whole.error != split.error || (whole.error == nil && whole != split) {
            fatalError("split tar input read differently: \(whole) vs \(split)")
        }
        check(whole.members)
        check(split.members)
        return 0
    }

    struct Outcome: Equatable {
        var members: [TarMember] = []
        var error: TarArchiveError?
        var atBoundary = false
    }

    func read(_ input: UnsafeRawBufferPointer, pieces: [Int]) -> Outcome {
        // A small limit, so that oversized extended headers are reachable in a short input.
        var reader = TarHeaderReader(layout: .image, extendedHeaderLimit: 4096)
        var outcome = Outcome()
        var start = 0
        for end in pieces + [input.count] where end >= start {
            do throws(TarArchiveError) {
                outcome.members += try reader.append(UnsafeRawBufferPointer(rebasing: input[start..<end]))
            } catch {
                _ = error.description
                outcome.error = error
                return outcome
            }
            start = end
        }
        if reader.offset != Int64(input.count) { fatalError("read \(reader.offset) of \(input.count) bytes") }
        if reader.memberCount != outcome.members.count { fatalError("member count \(reader.memberCount) is off") }
        outcome.atBoundary = reader.isAtMemberBoundary
        return outcome
    }

    func check(_ members: [TarMember]) {
        var symlinks: Set<String> = []
        func components(_ path: String) -> [Substring] {
            if path.hasPrefix("/") { fatalError("absolute path let through: \(path)") }
            let parts = path.split(separator: "/", omittingEmptySubsequences: false)
            if path.isEmpty { return [] }
            for part in parts where part.isEmpty || part == "." || part == ".." {
                fatalError("path \(path) is not normalised or escapes")
            }
            return parts
        }
        func checkNotThroughSymlink(_ parts: [Substring], _ path: String) {
            for count in stride(from: 1, to: parts.count, by: 1)
            where symlinks.contains(parts.prefix(count).joined(separator: "/")) {
                fatalError("\(path) let through below a symbolic link")
            }
        }
        for member in members {
            let parts = components(member.path)
            if ["rootfs", "templates"].contains(member.path) && member.kind != .directory {
                fatalError("\(member.path) let through as a \(member.kind)")
            }
            if member.path == "metadata.yaml" && member.kind != .file {
                fatalError("metadata.yaml as a \(member.kind)")
            }
            if parts.isEmpty && member.kind != .directory { fatalError("non-directory root member: \(member)") }
            checkNotThroughSymlink(parts, member.path)
            if member.kind != .file && member.size != 0 { fatalError("data on a non-file: \(member)") }
            switch member.kind {
            case .symbolicLink:
                symlinks.insert(member.path)
            case .hardLink:
                guard let target = member.linkTarget else { fatalError("hard link without target: \(member)") }
                let targetParts = components(target)
                if targetParts.isEmpty { fatalError("hard link to the root: \(member)") }
                checkNotThroughSymlink(targetParts, target)
                if symlinks.contains(target) { symlinks.insert(member.path) }
            case .characterDevice, .blockDevice:
                if parts.count < 3 || parts[0] != "rootfs" || parts[1] != "dev" {
                    fatalError("device outside rootfs/dev let through: \(member)")
                }
            case .file, .directory, .fifo:
                break
            }
        }
    }

    /// Two cut points derived from the input (FNV-1a), so each input is split the same way every run.
    func splitPoints(_ input: UnsafeRawBufferPointer) -> [Int] {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in input { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        let count = UInt64(input.count) &+ 1
        let a = Int(hash % count)
        let b = Int((hash >> 32) % count)
        return [min(a, b), max(a, b)]
    }
#else
    /// Built without testability (a plain release build): the fuzz code needs `@testable import`,
    /// so this build of the target does nothing. scripts/fuzz.sh builds it with `-enable-testing`.
    @_cdecl("LLVMFuzzerTestOneInput")
    public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt { 0 }
#endif
