public class App {
    private static final String DB_PASSWORD = "Lq7&nW2zR9vT4k";
    private final String apiKey = System.getenv("API_KEY");

    void configure(java.util.Properties props) {
        props.put("mail.smtp.password", "smtpPasswordValue");
        props.put("mail.smtp.password", "getSmtpPassword()");
    }
}
