package dev.patchflow.pkg.source;

/** Download progress; called from the downloading thread, at most every 64 KiB. */
@FunctionalInterface
public interface ProgressListener {

    ProgressListener NONE = (done, total) -> {
    };

    /** @param total the expected size from the manifest */
    void progress(long bytesDone, long total);
}
