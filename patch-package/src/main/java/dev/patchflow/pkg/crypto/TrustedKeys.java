package dev.patchflow.pkg.crypto;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The public keys a package may be signed with, by key id. A configured id must be the key's own id
 * (first 16 hex of SHA-256 of the raw key): a mislabelled key is a configuration error, not a
 * silent second name.
 */
public final class TrustedKeys {

    private final Map<String, PublicKey> keys;

    private TrustedKeys(Map<String, PublicKey> keys) {
        this.keys = Map.copyOf(keys);
    }

    public static TrustedKeys none() {
        return new TrustedKeys(Map.of());
    }

    public static TrustedKeys of(Collection<PublicKey> keys) {
        Map<String, PublicKey> map = new LinkedHashMap<>();
        keys.forEach(k -> map.put(Ed25519Keys.keyId(k), k));
        return new TrustedKeys(map);
    }

    public static TrustedKeys of(PublicKey... keys) {
        return of(List.of(keys));
    }

    /**
     * From configuration: key id → key text (PEM, base64 DER or base64 raw). Throws
     * {@link IllegalArgumentException} when an id does not match its key.
     */
    public static TrustedKeys fromConfig(Map<String, String> idToKey) {
        Map<String, PublicKey> map = new LinkedHashMap<>();
        idToKey.forEach((id, text) -> {
            PublicKey key = Ed25519Keys.publicKey(text);
            String actual = Ed25519Keys.keyId(key);
            if (!actual.equals(id)) {
                throw new IllegalArgumentException("trusted key '" + id + "' has key id " + actual);
            }
            map.put(id, key);
        });
        return new TrustedKeys(map);
    }

    /**
     * Every {@code *.pub.pem} file of a directory (the layout {@code patchctl package keygen} and
     * {@code patchctl package trust} write); a directory that does not exist holds no key. Throws
     * {@link IllegalArgumentException} naming a file that is not an Ed25519 public key.
     */
    public static TrustedKeys fromDirectory(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            if (Files.exists(dir)) {
                throw new IOException(dir + " is not a directory");
            }
            return none();
        }
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> pems = files.filter(f -> f.getFileName().toString().endsWith(".pub.pem")).sorted().toList();
            List<PublicKey> keys = new java.util.ArrayList<>();
            for (Path pem : pems) {
                try {
                    keys.add(Ed25519Keys.readPublicKey(pem));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(pem + ": " + e.getMessage(), e);
                }
            }
            return of(keys);
        }
    }

    public Optional<PublicKey> get(String keyId) {
        return Optional.ofNullable(keys.get(keyId));
    }

    public Set<String> ids() {
        return keys.keySet();
    }
}
