package dev.patchflow.pkg.manifest;

import dev.patchflow.pkg.Arch;

/** Full packages by architecture (JSON keys {@code x86_64}, {@code aarch64}). */
public record FullPackages(FullPackage x86_64, FullPackage aarch64) {

    public FullPackage forArch(Arch arch) {
        return arch == Arch.X86_64 ? x86_64 : aarch64;
    }

    public FullPackages with(Arch arch, FullPackage p) {
        return arch == Arch.X86_64 ? new FullPackages(p, aarch64) : new FullPackages(x86_64, p);
    }
}
