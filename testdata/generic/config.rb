Stripe.api_key = 'Px3vR8nQ1wZ6tK9mL4sB7dF2hJ5c'
Rails.application.configure do
  config.action_mailer.smtp_settings = {
    :password => "#{smtp_password}",
    :user_name => "mailer"
  }
  config.secret_key_base = ENV['SECRET_KEY_BASE']
end
