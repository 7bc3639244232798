public import OutreachCore
