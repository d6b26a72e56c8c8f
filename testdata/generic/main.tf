variable "db_password" {
  type    = string
  default = "Mz7&qT2wK9vR4n"
}

resource "aws_db_instance" "main" {
  username        = "app"
  password        = var.db_password
  master_password = "Qw8!zR3vN6kT1p"
  api_key         = "${var.payments_api_key}"
}
