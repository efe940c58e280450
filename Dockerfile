# One image for every Rewind process: `docker run rewind <subcommand> …`.
# Targets: `rewind` (the default, JRE + the rewind command, non-root), `tools` (the same plus
# tools/: demo, bench, simulate, workload) and `hbase` (HBase 2.6 standalone with Rewind's
# replication endpoint jar in lib/, for docker-compose.yml).

FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
# Dependencies first, so source edits do not re-download the world.
COPY pom.xml ./
COPY schemas/pom.xml schemas/
COPY client/pom.xml client/
COPY store/pom.xml store/
COPY producers/pom.xml producers/
COPY streams-checkpoint/pom.xml streams-checkpoint/
COPY archivers/pom.xml archivers/
COPY restore/pom.xml restore/
COPY stack/pom.xml stack/
COPY cli/pom.xml cli/
COPY registry-server/pom.xml registry-server/
COPY . .
RUN mvn -B -q -pl cli,tools -am -DskipTests install \
 && mkdir -p /opt/rewind/lib /opt/rewind/tools \
 && cp cli/target/lib/*.jar cli/target/rewind-cli-*.jar /opt/rewind/lib/ \
 && for j in tools/target/lib/*.jar tools/target/rewind-tools-*.jar; do [ -e "/opt/rewind/lib/${j##*/}" ] || cp "$j" /opt/rewind/tools/; done \
 && cp producers/target/rewind-producers-*-hbase-endpoint.jar /opt/rewind/rewind-hbase-endpoint.jar

FROM eclipse-temurin:17-jre AS rewind
RUN groupadd --system rewind && useradd --system --gid rewind --home-dir /var/lib/rewind --create-home rewind
COPY --from=build /opt/rewind/lib /opt/rewind/lib
COPY docker/rewind.sh /usr/local/bin/rewind
ENV REWIND_HOME=/var/lib/rewind
USER rewind
WORKDIR /var/lib/rewind
ENTRYPOINT ["/usr/local/bin/rewind"]
CMD ["--help"]

# The product image plus tools/ and what only it needs (the embedded stack, HBase's mini cluster):
# docker-compose.yml's workload service runs `rewind workload` from it.
FROM rewind AS tools
COPY --from=build /opt/rewind/tools /opt/rewind/tools

FROM eclipse-temurin:11-jre AS hbase
ARG HBASE_VERSION=2.6.1
RUN apt-get update -qq && apt-get install -y -qq --no-install-recommends curl netcat-openbsd && rm -rf /var/lib/apt/lists/* \
 && curl -fsSL "https://archive.apache.org/dist/hbase/${HBASE_VERSION}/hbase-${HBASE_VERSION}-hadoop3-bin.tar.gz" \
    | tar -xz -C /opt \
 && ln -s "/opt/hbase-${HBASE_VERSION}-hadoop3" /opt/hbase \
 && groupadd --system hbase && useradd --system --gid hbase --home-dir /var/lib/hbase --create-home hbase
COPY --from=build /opt/rewind/rewind-hbase-endpoint.jar /opt/hbase/lib/
COPY docker/hbase/hbase-site.xml /opt/hbase/conf/hbase-site.xml
COPY docker/hbase/start-hbase.sh /usr/local/bin/start-hbase
ENV HBASE_HOME=/opt/hbase PATH=/opt/hbase/bin:$PATH
USER hbase
WORKDIR /var/lib/hbase
ENTRYPOINT ["/usr/local/bin/start-hbase"]
