import os

DATABASE_PASSWORD = "Tq8#vLr2!mZ9xK"
PAYMENTS_API_KEY = "rK7fQ2xLm9PzT4wV8sN1bC6dH3jY"
password = os.environ["DB_PASSWORD"]
SECRET_KEY = os.getenv("SECRET_KEY")
api_key = "${PAYMENTS_API_KEY_V2}"
token = "test_token_9f8e7d6c5b4a39"
commit_token = "ece3a6bfee523288bbcced16faa0aa100a1070fa"
session_token = "53d8354b-1a84-6be2-70c7-e68a5f914329"
secret_key = "my_secret_key_value"
db_password = "%(db_password)s"
