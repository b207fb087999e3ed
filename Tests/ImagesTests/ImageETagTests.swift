import JSON
import Store
import Testing

@testable import Images

/// Vectors from a real LXD 5.0.2 (`lxd-traces/traces/04-launch.txt`): the `ETag` of
/// `GET /1.0/images/<fp>` and of `GET /1.0/images/aliases/busybox`.
@Suite struct ImageETagTests {
    static let fingerprint = "5ce47bbac3d9bbcc81c1e4e64909778097c4fb54e0dc62ece3d523e54ed0d5c7"

    @Test func theImageETagIsLxdsHashOfPublicAutoUpdateAndProperties() {
        let writable = ImageWritable(
            isPublic: false, autoUpdate: false,
            properties: [
                "architecture": "x86_64", "description": "busybox v1.35.0 static (LXD anchor test image)",
                "name": "busybox-anchor", "os": "busybox", "release": "1.35", "variant": "default",
            ],
            profiles: ["default"])
        #expect(writable.etag == "6b27aad946a8f49a6261e5d51369a208b72228f8d3d996de1db3aa3471fcc0a2")
    }

    @Test func theAliasETagIsLxdsHashOfTheEntryAsServed() {
        let entry = JSONValue.object([
            ("description", .string("")), ("target", .string(Self.fingerprint)), ("name", .string("busybox")),
            ("type", .string("container")),
        ])
        #expect(ImageETag.hash(entry) == "100e908ad3a15d70d249a38454ab98437571fdf27dbe22f651612430e8e0b81b")
    }

    @Test func anyEditableFieldChangesTheImageETagButProfilesDoNot() {
        let base = ImageWritable(isPublic: false, autoUpdate: false, properties: ["os": "busybox"], profiles: [])
        var changed = [base.etag]
        for edit in [
            base.merging(isPublic: true, autoUpdate: nil, properties: nil, profiles: nil),
            base.merging(isPublic: nil, autoUpdate: true, properties: nil, profiles: nil),
            base.merging(isPublic: nil, autoUpdate: nil, properties: ["os": "other"], profiles: nil),
        ] {
            changed.append(edit.etag)
        }
        #expect(Set(changed).count == 4)
        // LXD leaves profiles out of the hash.
        #expect(base.merging(isPublic: nil, autoUpdate: nil, properties: nil, profiles: ["default"]).etag == base.etag)
    }
}
