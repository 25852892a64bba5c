module github.com/acme/billing

go 1.23.2

require (
	github.com/jackc/pgx/v5 v5.7.1
	github.com/pressly/goose/v3 v3.22.1
	github.com/redis/go-redis/v9 v9.7.0
)

require github.com/google/uuid v1.6.0 // indirect
