"""Plant integration: per-keyword actions (MQTT, webhook, sound), outboxes, station status.

Entry point: kwapp.actions.service.ActionService, configured by kwapp.service_config.ServiceConfig.
This package does not import its submodules here, so kwapp.pipeline.station can use
kwapp.actions.event without an import cycle.
"""
