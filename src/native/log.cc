// Silence for the GLib-CRITICAL lines node-gtk prints while it loads some typelibs
// (docs/node-gtk.md, "GLib-CRITICAL lines when loading GstVideo").

#include <glib.h>

#include "addon.h"
#include "util.h"

namespace gstts {

namespace {

struct Log {
  guint quiet_handler = 0;
};

void SwallowLog(const gchar*, GLogLevelFlags, const gchar*, gpointer) {}

void Quiet(Log* log, bool on) {
  if (on && log->quiet_handler == 0) {
    log->quiet_handler =
        g_log_set_handler("GLib", GLogLevelFlags(G_LOG_LEVEL_CRITICAL | G_LOG_FLAG_FATAL | G_LOG_FLAG_RECURSION), SwallowLog, nullptr);
  } else if (!on && log->quiet_handler != 0) {
    g_log_remove_handler("GLib", log->quiet_handler);
    log->quiet_handler = 0;
  }
}

// quietGLibCriticals(on: boolean)
void QuietGLibCriticals(const v8::FunctionCallbackInfo<v8::Value>& args) { Quiet(DataOf<Log>(args), args[0]->IsTrue()); }

}  // namespace

void InitLog(v8::Local<v8::Context> context, v8::Local<v8::Object> exports, Addon* addon) {
  auto* log = new Log();
  addon->OnTeardown([log] {
    Quiet(log, false);
    delete log;
  });
  SetMethod(context, exports, "quietGLibCriticals", QuietGLibCriticals, log);
}

}  // namespace gstts
