"""JVM projects: Maven ``pom.xml`` or Gradle ``build.gradle(.kts)``."""

from __future__ import annotations

import re
from pathlib import Path

from actiongen.detect import manifest
from actiongen.detect.manifest import join as _join
from actiongen.detect.project import DEFAULT_VERSIONS, Project, project_name

POSTGRES = ("org.postgresql:postgresql", "org.postgresql:r2dbc-postgresql",
            "io.r2dbc:r2dbc-postgresql", "io.vertx:vertx-pg-client")
MYSQL = ("com.mysql:mysql-connector-j", "mysql:mysql-connector-java",
         "org.mariadb.jdbc:mariadb-java-client", "io.asyncer:r2dbc-mysql")
REDIS = ("redis.clients:jedis", "io.lettuce:lettuce-core", "org.redisson:redisson",
         "org.springframework.boot:spring-boot-starter-data-redis",
         "org.springframework.boot:spring-boot-starter-data-redis-reactive")


def detect(root: Path, directory: str = ".") -> Project | None:
    """The Maven or Gradle project in ``directory``, or None without a build file."""
    here = root / directory
    gradle = manifest.first_existing(here, "build.gradle.kts", "build.gradle",
                                     "settings.gradle.kts", "settings.gradle")
    if (here / "pom.xml").is_file() and not (gradle and (here / "gradlew").is_file()):
        return _maven(root, directory)
    if gradle:
        return _gradle(root, directory, gradle)
    return None


def _project(root: Path, directory: str, name: str | None, tool: str) -> Project:
    return Project(
        language="java",
        name=project_name(name, (root / directory).resolve().name),
        version=DEFAULT_VERSIONS["java"],
        package_manager=tool,
        directory=directory,
    )


def _java_version_files(root: Path, directory: str, project: Project) -> bool:
    for name in (".java-version", ".sdkmanrc", ".tool-versions"):
        text = manifest.read_text(root, _join(directory, name)) or ""
        if name == ".sdkmanrc":
            match = re.search(r"^\s*java\s*=\s*(\d+)", text, re.MULTILINE)
        elif name == ".tool-versions":
            match = re.search(r"^\s*java\s+\D*?(\d+)", text, re.MULTILINE)
        else:
            match = re.match(r"\s*(?:1\.)?(\d+)", text)
        if match:
            project.version = match.group(1)
            project.note(f"{name} -> java {project.version}")
            return True
    return False


# ----------------------------------------------------------------------------- Maven


def _maven(root: Path, directory: str) -> Project:
    import xml.etree.ElementTree as ET

    rel = _join(directory, "pom.xml")
    text = manifest.read_text(root, rel) or ""
    try:
        pom = ET.fromstring(text)
    except ET.ParseError as exc:
        line, col = exc.position
        message = re.sub(r":\s*line \d+, column \d+$", "", str(exc))
        raise manifest.ManifestError(f"{rel}:{line}:{col + 1}: invalid XML: {message}") from None
    _strip_namespaces(pom)
    project = _project(root, directory, pom.findtext("artifactId"), "maven")
    project.note(f"{rel} -> language java, build tool maven")
    poms = [pom]
    for module in pom.iterfind("modules/module"):
        name = (module.text or "").strip()
        if not name or ".." in name:
            continue
        module_text = manifest.read_text(root, _join(directory, f"{name}/pom.xml"))
        try:
            child = ET.fromstring(module_text) if module_text else None
        except ET.ParseError:
            child = None
        if child is not None:
            _strip_namespaces(child)
            poms.append(child)
    if not _java_version_files(root, directory, project):
        for key in ("maven.compiler.release", "java.version", "maven.compiler.source",
                    "maven.compiler.target", "jdk.version", "java.release"):
            value = (pom.findtext(f"properties/{key}") or "").strip()
            match = re.fullmatch(r"(?:1\.)?(\d+)", value)
            if match:
                project.version = match.group(1)
                project.note(f"pom.xml <{key}> -> java {project.version}")
                break
        else:
            for release in pom.iter("release"):
                match = re.fullmatch(r"(\d+)", (release.text or "").strip())
                if match:
                    project.version = match.group(1)
                    project.note(f"pom.xml compiler <release> -> java {project.version}")
                    break
    coordinates: set[str] = set()
    plugins: set[str] = set()
    for element in poms:
        for dep in element.iter("dependency"):
            coordinates.add(f"{(dep.findtext('groupId') or '').strip()}:"
                            f"{(dep.findtext('artifactId') or '').strip()}")
        for plugin in element.iter("plugin"):
            plugins.add((plugin.findtext("artifactId") or "").strip())
    mvn = "./mvnw" if (root / directory / "mvnw").is_file() else "mvn"
    flags = "-B --no-transfer-progress"
    lint = []
    if "spotless-maven-plugin" in plugins:
        lint.append(f"{mvn} {flags} spotless:check")
    if "maven-checkstyle-plugin" in plugins:
        lint.append(f"{mvn} {flags} checkstyle:check")
    if lint:
        project.set_command("lint", " && ".join(lint), "pom.xml lint plugins")
    project.set_command("build", f"{mvn} {flags} package -DskipTests", "pom.xml")
    project.set_command("unit", f"{mvn} {flags} test", "pom.xml")
    if "maven-failsafe-plugin" in plugins:
        project.set_command("integration", f"{mvn} {flags} verify", "maven-failsafe-plugin")
    if "flyway-maven-plugin" in plugins:
        project.set_command("migrate", f"{mvn} {flags} flyway:migrate", "flyway-maven-plugin")
    if "liquibase-maven-plugin" in plugins:
        project.set_command("migrate", f"{mvn} {flags} liquibase:update", "liquibase-maven-plugin")
    project.build_output = "target/"
    _services(coordinates, project)
    return project


def _strip_namespaces(element: object) -> None:
    import xml.etree.ElementTree as ET

    assert isinstance(element, ET.Element)
    for node in element.iter():
        if isinstance(node.tag, str) and node.tag.startswith("{"):
            node.tag = node.tag.split("}", 1)[1]


# ----------------------------------------------------------------------------- Gradle

_TOOLCHAIN = re.compile(r"(?:JavaLanguageVersion\.of\(\s*|jvmToolchain\(\s*)\"?(\d+)")
_COMPATIBILITY = re.compile(
    r"(?:sourceCompatibility|targetCompatibility|release)\s*[=(]?\s*"
    r"(?:JavaVersion\.VERSION_(?:1_)?(\d+)|['\"]?(?:1\.)?(\d+)['\"]?)")


def _gradle(root: Path, directory: str, build_file: str) -> Project:
    here = root / directory
    texts: list[str] = []
    settings = ""
    for name in ("settings.gradle.kts", "settings.gradle"):
        settings = manifest.read_text(root, _join(directory, name)) or settings
    name_match = re.search(r"rootProject\.name\s*=\s*['\"]([^'\"]+)", settings)
    project = _project(root, directory, name_match.group(1) if name_match else None, "gradle")
    project.note(f"{_join(directory, build_file)} -> language java, build tool gradle")
    for file_name in ("build.gradle.kts", "build.gradle", "gradle/libs.versions.toml"):
        texts.append(manifest.read_text(root, _join(directory, file_name)) or "")
    for include in re.findall(r"['\"]:?([\w\-/:]+)['\"]", " ".join(
            re.findall(r"include\s*\(?([^\n]*)", settings))):
        sub = include.replace(":", "/").strip("/")
        if sub and ".." not in sub:
            for file_name in ("build.gradle.kts", "build.gradle"):
                texts.append(manifest.read_text(root, _join(directory, f"{sub}/{file_name}")) or "")
    text = "\n".join(texts)
    if not _java_version_files(root, directory, project):
        match = _TOOLCHAIN.search(text)
        version = match.group(1) if match else None
        if version is None:
            compat = _COMPATIBILITY.search(text)
            version = (compat.group(1) or compat.group(2)) if compat else None
        if version:
            project.version = version
            project.note(f"gradle toolchain/compatibility -> java {version}")
    gradle = "./gradlew" if (here / "gradlew").is_file() else "gradle"
    lint = []
    if "com.diffplug.spotless" in text:
        lint.append(f"{gradle} spotlessCheck")
    if re.search(r"\bcheckstyle\b", text):
        lint.append(f"{gradle} checkstyleMain")
    if lint:
        project.set_command("lint", " && ".join(lint), "gradle lint plugins")
    project.set_command("build", f"{gradle} assemble", "gradle")
    project.set_command("unit", f"{gradle} test", "gradle")
    if re.search(r"\bintegrationTest\b", text):
        project.set_command("integration", f"{gradle} integrationTest", "gradle integrationTest")
    if "org.flywaydb.flyway" in text:
        project.set_command("migrate", f"{gradle} flywayMigrate", "flyway gradle plugin")
    if "org.liquibase.gradle" in text:
        project.set_command("migrate", f"{gradle} update", "liquibase gradle plugin")
    project.build_output = "build/libs/"
    coordinates = set(re.findall(r"['\"]([\w.\-]+:[\w.\-]+)(?::[^'\"]*)?['\"]", text))
    coordinates |= {f"{g}:{a}" for g, a in re.findall(
        r"group\s*=\s*['\"]([\w.\-]+)['\"]\s*,\s*name\s*=\s*['\"]([\w.\-]+)['\"]", text)}
    coordinates |= set(re.findall(r"module\s*=\s*['\"]([\w.\-]+:[\w.\-]+)['\"]", text))
    _services(coordinates, project)
    return project


def _services(coordinates: set[str], project: Project) -> None:
    if any(c.startswith("org.testcontainers:") for c in coordinates):
        project.self_contained_tests = True
    for names, service in ((POSTGRES, "postgres"), (MYSQL, "mysql"), (REDIS, "redis")):
        found = sorted(set(names) & coordinates)
        if found:
            project.add_service(service, f"{found[0]} dependency")
