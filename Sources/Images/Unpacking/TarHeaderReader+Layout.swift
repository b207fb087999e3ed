extension TarHeaderReader {
    /// What a tarball unpacks into, which decides where device nodes may go and which paths Berth
    /// itself reads after unpacking (and so must be what they claim to be).
    enum Layout: Equatable, Sendable {
        /// An image or metadata tarball: `metadata.yaml`, `templates/`, `rootfs/`, or a virtual
        /// machine's `boot/vmlinuz`, `boot/initrd.img` and `disk.img`.
        case image
        /// A split image's rootfs tarball, unpacked into `rootfs/`.
        case rootfs

        /// Where character and block devices may be created.
        var deviceDirectory: String {
            switch self {
            case .image: "rootfs/dev"
            case .rootfs: "dev"
            }
        }

        /// Paths the import reads or serves from after unpacking, with the only kind each may be: a
        /// `rootfs` symbolic link to `/` would make the host's root the image's, a `metadata.yaml`
        /// link would read a host file, a FIFO there would block the import for ever, and a kernel,
        /// initramfs or disk linked to a host file would hand that file to every VM booted from it.
        var reservedKinds: [[UInt8]: TarMember.Kind] {
            switch self {
            case .image:
                [
                    Array("rootfs".utf8): .directory, Array("templates".utf8): .directory,
                    Array("metadata.yaml".utf8): .file, Array("boot".utf8): .directory,
                    Array("boot/vmlinuz".utf8): .file, Array("boot/initrd.img".utf8): .file,
                    Array("disk.img".utf8): .file,
                ]
            case .rootfs: [:]
            }
        }
    }
}
