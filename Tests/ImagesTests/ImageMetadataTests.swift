import Testing

@testable import Images

@Suite struct ImageMetadataTests {
    @Test func readsArchitectureCreationDateAndProperties() throws {
        let yaml = """
            architecture: x86_64
            creation_date: 1795000000
            properties:
              architecture: x86_64
              description: "busybox: tiny"
              os: busybox
              release: '1.35'
            templates:
              /etc/hostname:
                when:
                  - create
                template: hostname.tpl
            """
        let metadata = try ImageMetadata.parse(yaml)
        #expect(metadata.architecture == "x86_64")
        #expect(metadata.creationDate == 1_795_000_000)
        #expect(metadata.properties.map(\.0) == ["architecture", "description", "os", "release"])
        #expect(metadata.properties.map(\.1) == ["x86_64", "busybox: tiny", "busybox", "1.35"])
    }

    @Test func refusesMetadataWithoutArchitectureOrWithABadDate() {
        #expect(throws: ImageError.invalidMetadata("no architecture")) { try ImageMetadata.parse("os: busybox\n") }
        #expect(throws: ImageError.invalidMetadata("line 2: creation_date is not a number")) {
            try ImageMetadata.parse("architecture: x86_64\ncreation_date: yesterday\n")
        }
    }
}
