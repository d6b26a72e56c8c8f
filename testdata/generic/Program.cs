public static class Settings
{
    public const string ConnectionString = "Server=db.corp.local;Database=app;User Id=app;Password=Hx5!rT9wQ2zL;";
    public const string ClientSecret = "Vb8nM3qW6zT1xK4rP7sL2dF9gH5j";
    public static string ApiKey = Environment.GetEnvironmentVariable("API_KEY");
    public static string SmtpPassword = "%SMTP_PASSWORD%";
}
