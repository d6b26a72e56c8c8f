export const config = {
  apiKey: "Hn4pW8qZ2rT6vX9bL3mK7sD1fG5j",
  authToken: process.env.AUTH_TOKEN,
  clientSecret: `${process.env.CLIENT_SECRET}`,
  password: "PasswordField",
};

class Db {
  private readonly dbPassword: string = "Wm3$kP9vQz2!xR";
  private readonly adminPassword: string = "new-password";
}
