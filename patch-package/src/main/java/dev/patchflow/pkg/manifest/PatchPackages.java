package dev.patchflow.pkg.manifest;

import dev.patchflow.pkg.Arch;

/** Patch packages by architecture (JSON keys {@code x86_64}, {@code aarch64}). */
public record PatchPackages(PatchPackage x86_64, PatchPackage aarch64) {

    public PatchPackage forArch(Arch arch) {
        return arch == Arch.X86_64 ? x86_64 : aarch64;
    }

    public PatchPackages with(Arch arch, PatchPackage p) {
        return arch == Arch.X86_64 ? new PatchPackages(p, aarch64) : new PatchPackages(x86_64, p);
    }
}
