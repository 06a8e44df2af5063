import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * A Java TLS client as a Java application server is one: {@code java Client.java HOST PORT} with
 * {@code -Djavax.net.ssl.trustStore=FILE}. The truststore password comes from the environment
 * variable CLIENT_TRUSTSTORE_PASSWORD, never from the command line. Prints "connected PROTOCOL"
 * and exits 0, or prints the handshake failure ("PKIX path building failed: ...") and exits 3.
 */
public class Client {
    public static void main(String[] args) throws Exception {
        String password = System.getenv("CLIENT_TRUSTSTORE_PASSWORD");
        if (password != null) {
            System.setProperty("javax.net.ssl.trustStorePassword", password);
        }
        SSLSocketFactory factory = (SSLSocketFactory) SSLSocketFactory.getDefault();
        try (SSLSocket socket = (SSLSocket) factory.createSocket(args[0], Integer.parseInt(args[1]))) {
            SSLParameters parameters = socket.getSSLParameters();
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
            socket.setSSLParameters(parameters);
            socket.startHandshake();
            System.out.println("connected " + socket.getSession().getProtocol());
        } catch (SSLHandshakeException e) {
            System.out.println(e.getMessage());
            System.exit(3);
        }
    }
}
