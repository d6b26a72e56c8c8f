package main

import "os"

const apiToken = "Jc5tN8wQ1zV4xB7mR2kL9pF6hD3s"

var dbPassword = os.Getenv("DB_PASSWORD")

func main() {
	imageToken := "sha256:4024e1f4a53992672651a538b194d08069bac3199131bc018153e41b636d710d"
	_ = imageToken
}
