import Foundation

#if canImport(Glibc)
    import Glibc
#endif

extension QEMUDriver {
    /// `kvm` only where KVM can run a stock guest: the CPU has VMX or SVM, and `/dev/kvm` is not
    /// the paravirtual `kvm_pvm`, which only runs PVM-enabled guest kernels and otherwise falls back
    /// to an emulator that fails on ordinary instructions; `tcg` otherwise.
    public static func detectAccelerator() -> String {
        guard let cpuinfo = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8) else { return "tcg" }
        let hasVirtualization = cpuinfo.split(separator: "\n").contains { line in
            line.hasPrefix("flags") && line.split(separator: " ").contains { $0 == "vmx" || $0 == "svm" }
        }
        guard hasVirtualization, access("/sys/module/kvm_pvm", F_OK) != 0, access("/dev/kvm", F_OK) == 0 else {
            return "tcg"
        }
        return "kvm"
    }
}
