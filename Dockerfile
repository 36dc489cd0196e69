# syntax=docker/dockerfile:1
# Build with the Maven wrapper, run on a JRE as a non-root user. No private key is in the image:
# the gateway generates one under /data on first start (mount a volume to keep it).

FROM eclipse-temurin:17-jdk AS build
# gcc + libc headers build the AES-NI IGE kernel (src/main/c) into the jar; without them the
# build still succeeds and AesIge falls back to pure Java.
RUN apt-get update && apt-get install -y --no-install-recommends gcc libc6-dev libssl-dev && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY .mvn/ .mvn/
COPY mvnw pom.xml ./
RUN ./mvnw -B -q dependency:go-offline
COPY src/ src/
COPY db/ db/
RUN ./mvnw -B -q -DskipTests package && cp target/mtgate-*.jar /src/mtgate.jar

FROM eclipse-temurin:17-jre
RUN apt-get update && apt-get install -y --no-install-recommends curl openssl && rm -rf /var/lib/apt/lists/* \
    && groupadd --system mtgate && useradd --system --gid mtgate --home-dir /data mtgate \
    && mkdir -p /data && chown mtgate:mtgate /data
COPY --from=build /src/mtgate.jar /opt/mtgate/mtgate.jar
USER mtgate
WORKDIR /data
ENV MTGATE_DATA_DIR=/data
VOLUME ["/data"]
# 10443: MTProto over TCP (all TCP transports); 8080: Actuator (health, Prometheus).
EXPOSE 10443 8080
HEALTHCHECK --interval=15s --timeout=3s --start-period=60s --retries=3 \
    CMD curl -fsS http://127.0.0.1:8080/actuator/health || exit 1
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-jar", "/opt/mtgate/mtgate.jar"]
