// What keytool -list -v and keytool -printcert see in each file, for many files in one JVM.
//
// Reads lines "PATH<TAB>BASE64(PASSWORD) or -" on stdin and prints one JSON object a line:
// {"file", "type", "entries": [{"alias", "kind", "key", "chain": [{"sha256", "serial"}]}]} or
// {"file", "error"}. "key" says what getKey returned with the store password (private, secret,
// public), or null. Keystores open as keytool opens them: KeyStore.getInstance(File, password)
// (JKS, JCEKS, PKCS12), then BouncyCastle's BKS, UBER and BCFKS when bcprov is on the class
// path; a missing password loads without the integrity check, as keytool does after its warning.
// Kinds are keytool's: entryInstanceOf PrivateKeyEntry, SecretKeyEntry or TrustedCertificateEntry.
// Files that are no keystore are read as keytool -printcert reads them (X.509 in DER, PEM or
// PKCS#7), or as a PkiPath.

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.Key;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.PublicKey;
import java.security.Security;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import javax.crypto.SecretKey;

public class ListStores {
    public static void main(String[] args) throws Exception {
        Provider bc = null;
        try {
            bc = (Provider) Class.forName("org.bouncycastle.jce.provider.BouncyCastleProvider")
                    .getDeclaredConstructor().newInstance();
            Security.addProvider(bc);
        } catch (ClassNotFoundException e) {
            // BKS, UBER and BCFKS stay unread
        }
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            String[] parts = line.split("\t", -1);
            String path = parts[0];
            char[] password = parts[1].equals("-") ? null
                    : new String(Base64.getDecoder().decode(parts[1]), StandardCharsets.UTF_8).toCharArray();
            System.out.println(describe(path, password, bc));
            System.out.flush();
        }
    }

    static String describe(String path, char[] password, Provider bc) {
        byte[] data;
        try {
            data = Files.readAllBytes(new File(path).toPath());
        } catch (Exception e) {
            return error(path, e);
        }
        Exception first = null;
        try {
            return listing(path, KeyStore.getInstance(new File(path), password), password);
        } catch (Exception e) {
            first = e;
        }
        if (bc != null) {
            for (String type : new String[] {"BKS", "UBER", "BCFKS"}) {
                try {
                    KeyStore ks = KeyStore.getInstance(type, bc);
                    ks.load(new ByteArrayInputStream(data), password);
                    return listing(path, ks, password);
                } catch (Exception e) {
                    // not this type
                }
            }
        }
        try {
            CertificateFactory cf = CertificateFactory.getInstance("X.509");
            Collection<? extends Certificate> certs = cf.generateCertificates(new ByteArrayInputStream(data));
            if (!certs.isEmpty()) {
                return certificates(path, "certificates", new ArrayList<>(certs));
            }
        } catch (Exception e) {
            // not a certificate file
        }
        try {
            CertificateFactory cf = CertificateFactory.getInstance("X.509");
            List<? extends Certificate> certs =
                    cf.generateCertPath(new ByteArrayInputStream(data), "PkiPath").getCertificates();
            return certificates(path, "PkiPath", new ArrayList<>(certs));
        } catch (Exception e) {
            // not a PkiPath either
        }
        return error(path, first);
    }

    static String listing(String path, KeyStore ks, char[] password) throws Exception {
        StringBuilder out = new StringBuilder();
        out.append("{\"file\":").append(quote(path)).append(",\"type\":").append(quote(ks.getType()));
        out.append(",\"entries\":[");
        boolean firstEntry = true;
        for (String alias : Collections.list(ks.aliases())) {
            String kind;
            if (ks.entryInstanceOf(alias, KeyStore.SecretKeyEntry.class)) {
                kind = "SecretKeyEntry";
            } else if (ks.entryInstanceOf(alias, KeyStore.PrivateKeyEntry.class)) {
                kind = "PrivateKeyEntry";
            } else if (ks.entryInstanceOf(alias, KeyStore.TrustedCertificateEntry.class)) {
                kind = "trustedCertEntry";
            } else {
                kind = "unknown";
            }
            List<Certificate> chain = new ArrayList<>();
            Certificate[] certs = ks.getCertificateChain(alias);
            if (certs != null) {
                Collections.addAll(chain, certs);
            } else if (ks.getCertificate(alias) != null) {
                chain.add(ks.getCertificate(alias));
            }
            out.append(firstEntry ? "" : ",").append("{\"alias\":").append(quote(alias));
            out.append(",\"kind\":").append(quote(kind));
            out.append(",\"key\":").append(keyKind(ks, alias, password));
            out.append(",\"chain\":").append(chainJson(chain));
            out.append("}");
            firstEntry = false;
        }
        return out.append("]}").toString();
    }

    static String keyKind(KeyStore ks, String alias, char[] password) throws Exception {
        if (!ks.isKeyEntry(alias) || password == null) {
            return "null";
        }
        try {
            Key key = ks.getKey(alias, password);
            if (key instanceof PrivateKey) {
                return "\"private\"";
            }
            if (key instanceof SecretKey) {
                return "\"secret\"";
            }
            if (key instanceof PublicKey) {
                return "\"public\"";
            }
        } catch (Exception e) {
            // a key of its own password, or one this JDK cannot load
        }
        return "null";
    }

    static String certificates(String path, String type, List<Certificate> certs) throws Exception {
        StringBuilder out = new StringBuilder();
        out.append("{\"file\":").append(quote(path)).append(",\"type\":").append(quote(type));
        out.append(",\"entries\":[");
        for (int i = 0; i < certs.size(); i++) {
            out.append(i == 0 ? "" : ",").append("{\"alias\":null,\"kind\":\"trustedCertEntry\",\"chain\":");
            out.append(chainJson(List.of(certs.get(i)))).append("}");
        }
        return out.append("]}").toString();
    }

    static String chainJson(List<Certificate> chain) throws Exception {
        StringBuilder out = new StringBuilder("[");
        for (int i = 0; i < chain.size(); i++) {
            Certificate cert = chain.get(i);
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(cert.getEncoded());
            StringBuilder hex = new StringBuilder();
            for (byte b : digest) {
                hex.append(String.format("%02x", b));
            }
            String serial = cert instanceof X509Certificate
                    ? ((X509Certificate) cert).getSerialNumber().toString(16) : "";
            out.append(i == 0 ? "" : ",").append("{\"sha256\":\"").append(hex);
            out.append("\",\"serial\":\"").append(serial).append("\"}");
        }
        return out.append("]").toString();
    }

    static String error(String path, Exception e) {
        String message = e == null ? "unreadable" : e.getClass().getSimpleName() + ": " + e.getMessage();
        return "{\"file\":" + quote(path) + ",\"error\":" + quote(message) + "}";
    }

    static String quote(String s) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20 || c > 0x7e) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.append('"').toString();
    }
}
