import Glibc
import Testing

@testable import API

@Suite struct HostFactsTests {
    @Test func parsesOSReleaseQuotedAndBareValues() {
        let values = HostFacts.parseOSRelease(
            "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nNAME=\"Debian GNU/Linux\"\nVERSION_ID=\"12\"\nID=debian\n# c\n"
        )
        #expect(values["NAME"] == "Debian GNU/Linux")
        #expect(values["VERSION_ID"] == "12")
        #expect(values["ID"] == "debian")
    }

    @Test func readsTheRealHost() {
        let facts = HostFacts.current()
        #expect(facts.kernel == "Linux")
        #expect(!facts.kernelVersion.isEmpty)
        #expect(facts.architectures.first == facts.kernelArchitecture)
        #expect(facts.serverPID == getpid())
    }
}
