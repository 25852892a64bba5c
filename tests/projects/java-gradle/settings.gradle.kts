rootProject.name = "payments"
include("app")
