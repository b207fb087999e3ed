import Foundation
import Testing

@testable import Drivers

@Suite struct QEMUDriverBootTests {
    @Test func theReadyLineIsFoundOnlyOnceComplete() {
        var text = Array("noise\r\nBERTH-VM-RE".utf8)
        #expect(QEMUDriver.readyLine(in: &text) == nil)
        #expect(text.count < QEMUDriver.readyMarker.count && text.suffix(11) == Array("BERTH-VM-RE".utf8))
        text += Array("ADY uptime=2.5".utf8)
        #expect(QEMUDriver.readyLine(in: &text) == nil)
        text += Array("1\r\n/ # ".utf8)
        #expect(QEMUDriver.readyLine(in: &text) == "BERTH-VM-READY uptime=2.51")
    }

    @Test func textWithoutTheMarkerIsNotKept() {
        var text = Array(String(repeating: "x", count: 10_000).utf8)
        #expect(QEMUDriver.readyLine(in: &text) == nil)
        #expect(text.count < QEMUDriver.readyMarker.count)
    }

    @Test func theAcceleratorIsTCGWithoutRealKVM() {
        let accelerator = QEMUDriver.detectAccelerator()
        #expect(["kvm", "tcg"].contains(accelerator))
        let cpuinfo = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        if !cpuinfo.contains(" vmx") && !cpuinfo.contains(" svm") {
            #expect(accelerator == "tcg")
        }
    }

    @Test func theCommandLineBootsTheKernelWithTheSocketsInTheVMsDirectory() {
        let driver = QEMUDriver(directory: "/var/lib/berth/vms/", helperExecutable: "/bin/false")
        let vm = driver.files("v1")
        let arguments = driver.arguments(
            for: vm, name: "v1", limits: VMLimits(memory: 512 << 20, cpus: 2), diskFormat: "qcow2")
        let line = arguments.joined(separator: " ")
        #expect(vm.directory == "/var/lib/berth/vms/v1")
        #expect(line.contains("-machine q35,accel=\(driver.accelerator) -nodefaults"))
        #expect(line.contains("-m 512M -smp 2"))
        #expect(line.contains("-kernel /var/lib/berth/vms/v1/kernel -initrd /var/lib/berth/vms/v1/initrd"))
        #expect(line.contains("-drive file=/var/lib/berth/vms/v1/disk.img,format=qcow2,if=virtio"))
        #expect(
            line.contains(
                "socket,id=console,path=/var/lib/berth/vms/v1/console.sock,server=on,wait=off,"
                    + "logfile=/var/lib/berth/vms/v1/console.log,logappend=on -serial chardev:console"))
        #expect(line.hasSuffix("-pidfile /var/lib/berth/vms/v1/qemu.pid -daemonize"))
        #expect(arguments[arguments.firstIndex(of: "-append")! + 1] == "console=ttyS0 panic=-1 quiet")
        #expect(QEMUDriver.escaped("/a,b") == "/a,,b")
    }
}
