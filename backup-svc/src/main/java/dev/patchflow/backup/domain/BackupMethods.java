package dev.patchflow.backup.domain;

import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** Every {@link BackupMethod}, by the target kinds it handles and by name. A kind has at most one method. */
public final class BackupMethods {

    private final Map<String, BackupMethod> byKind = new TreeMap<>();
    private final Map<String, BackupMethod> byName = new TreeMap<>();

    public BackupMethods(Collection<? extends BackupMethod> methods) {
        for (BackupMethod method : methods) {
            BackupMethod sameName = byName.putIfAbsent(method.name(), method);
            if (sameName != null) {
                throw new IllegalStateException("two backup methods are named '" + method.name() + "'");
            }
            for (String kind : method.kinds()) {
                BackupMethod previous = byKind.putIfAbsent(kind, method);
                if (previous != null) {
                    throw new IllegalStateException("targets of kind '" + kind + "' have two backup methods: "
                            + previous.name() + " and " + method.name());
                }
            }
        }
    }

    public Optional<BackupMethod> forKind(String kind) {
        return Optional.ofNullable(byKind.get(kind));
    }

    /** The method that made a record; records written before methods existed were archives. */
    public Optional<BackupMethod> forRecord(BackupRecord record) {
        String name = record.method() == null ? ArchiveFolderMethod.NAME : record.method();
        return Optional.ofNullable(byName.get(name));
    }
}
