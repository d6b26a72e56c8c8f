#!/bin/sh
export API_TOKEN=Fd6kW9qZ2xR5tN8vB1mL4sP7hJ3c
export DB_PASSWORD="$DB_PASSWORD_FROM_VAULT"
curl -u deploy:Hs4!kW7zQ1vT9n https://ci.corp.local/api/json
curl -H "Authorization: Bearer Lx2pV7nQ5wZ9tK3mR8sB1dF6hJ4c" https://api.corp.local/v1/me
curl -u "$CI_USER:$CI_TOKEN" https://ci.corp.local/api/json
TOKEN=$(vault read -field=token secret/ci)
