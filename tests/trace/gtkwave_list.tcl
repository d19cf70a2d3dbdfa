# Run by GTKWave (-S) on a save file: prints what it shows, one trace a line
# ("T name flags value-at-marker"), the zoom ("ZOOM z": 2^-z time units per
# 200 pixels), then quits. The marker goes to $env(MARK_NS) when it is set.
if {[info exists env(MARK_NS)]} { gtkwave::setMarker $env(MARK_NS) }
set n [gtkwave::getTotalNumTraces]
puts "TRACES $n"
for {set i 0} {$i < $n} {incr i} {
  puts "T [gtkwave::getTraceNameFromIndex $i] [gtkwave::getTraceFlagsFromIndex $i] [gtkwave::getTraceValueAtMarkerFromIndex $i]"
}
puts "ZOOM [gtkwave::getZoomFactor]"
gtkwave::/File/Quit
