import Store
import Testing

@testable import Images

@Suite struct ImageWritableTests {
    static let row = ImageRow(
        fingerprint: "ab", type: "container", filename: "i.tar.gz", size: 1, architecture: "x86_64", isPublic: false,
        autoUpdate: false, properties: #"{"os":"busybox","release":"1.35"}"#, profiles: #"["default"]"#,
        createdAt: nil, uploadedAt: 1, lastUsedAt: nil)

    @Test func readsTheEditableFieldsFromTheRow() {
        #expect(
            ImageWritable(Self.row)
                == ImageWritable(
                    isPublic: false, autoUpdate: false, properties: ["os": "busybox", "release": "1.35"],
                    profiles: ["default"]))
    }

    @Test func patchReplacesWhatIsPresentAndMergesProperties() {
        let merged = ImageWritable(Self.row).merging(
            isPublic: true, autoUpdate: nil, properties: ["os": "edited", "new": "x"], profiles: nil)
        #expect(merged.isPublic && !merged.autoUpdate)
        #expect(merged.properties == ["os": "edited", "release": "1.35", "new": "x"])
        #expect(merged.profiles == ["default"])
    }

    @Test func writesBackSortedJSONAndKeepsTheRest() {
        let values = ImageWritable(isPublic: true, autoUpdate: true, properties: ["z": "1", "a": "2"], profiles: [])
        let row = values.applied(to: Self.row)
        #expect(row.properties == #"{"a":"2","z":"1"}"#)
        #expect(row.profiles == "[]")
        #expect(row.isPublic && row.autoUpdate)
        #expect(row.fingerprint == Self.row.fingerprint && row.filename == Self.row.filename)
        #expect(ImageWritable(row) == values)
    }
}
