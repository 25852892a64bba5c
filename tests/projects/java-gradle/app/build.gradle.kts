dependencies {
    implementation("com.mysql:mysql-connector-j:9.1.0")
    implementation("io.lettuce:lettuce-core:6.4.0.RELEASE")
}
