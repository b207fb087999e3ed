extension ImageStore {
    /// The directory of a virtual-machine image, which the QEMU driver boots from: `boot/vmlinuz`,
    /// `boot/initrd.img` and, when the image has one, `disk.img` (the `ImageType` paths). The files
    /// are the image's own: an instance copies `disk.img` rather than writing to it.
    public func virtualMachineFiles(fingerprint: String) -> String { "\(directory)/\(fingerprint)" }
}
