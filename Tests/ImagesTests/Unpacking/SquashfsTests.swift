import Testing

@testable import Images

@Suite struct SquashfsTests {
    @Test func findsUnsquashfsOnlyWhereItIsExecutable() {
        #expect(Squashfs.unsquashfs(among: ["/nonexistent/unsquashfs"]) == nil)
        #expect(Squashfs.unsquashfs(among: ["/nonexistent/unsquashfs", "/bin/sh"]) == "/bin/sh")
    }

    @Test func theMissingToolsErrorSaysWhatToInstall() {
        #expect(Squashfs.missingTools.description.contains("squashfs rootfs needs squashfs-tools"))
    }
}
